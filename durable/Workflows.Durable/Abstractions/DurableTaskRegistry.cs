using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;

namespace Workflows.Durable;

/// <summary>
/// The orchestrators and activities a worker can run, by name. Names are case-insensitive, as in Durable Functions;
/// a type registered without a name is known by its class name.
/// </summary>
public sealed class DurableTaskRegistry
{
    private readonly Dictionary<string, TaskRegistration> _orchestrators = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, TaskRegistration> _activities = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Registers an orchestrator class under its class name.</summary>
    public DurableTaskRegistry AddOrchestrator<TOrchestrator>() where TOrchestrator : class, ITaskOrchestrator =>
        AddOrchestrator(typeof(TOrchestrator).Name, typeof(TOrchestrator));

    /// <summary>Registers an orchestrator class under a name; it is created from DI for each episode.</summary>
    public DurableTaskRegistry AddOrchestrator(string name, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] Type type) =>
        Add(_orchestrators, name, type, typeof(ITaskOrchestrator), FromServices(type));

    /// <summary>Registers a delegate as an orchestrator.</summary>
    public DurableTaskRegistry AddOrchestratorFunc<TInput, TOutput>(string name, Func<TaskOrchestrationContext, TInput, Task<TOutput>> run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return Add(_orchestrators, name, typeof(FuncOrchestrator<TInput, TOutput>), typeof(ITaskOrchestrator), _ => new FuncOrchestrator<TInput, TOutput>(run));
    }

    /// <summary>Registers an activity class under its class name.</summary>
    public DurableTaskRegistry AddActivity<TActivity>() where TActivity : class, ITaskActivity =>
        AddActivity(typeof(TActivity).Name, typeof(TActivity));

    /// <summary>Registers an activity class under a name; it is created from DI for each execution, so it can take services.</summary>
    public DurableTaskRegistry AddActivity(string name, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] Type type) =>
        Add(_activities, name, type, typeof(ITaskActivity), FromServices(type));

    /// <summary>Registers a delegate as an activity.</summary>
    public DurableTaskRegistry AddActivityFunc<TInput, TOutput>(string name, Func<TaskActivityContext, TInput, Task<TOutput>> run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return Add(_activities, name, typeof(FuncActivity<TInput, TOutput>), typeof(ITaskActivity), _ => new FuncActivity<TInput, TOutput>(run));
    }

    /// <summary>The registered orchestrator names.</summary>
    public IReadOnlyCollection<string> OrchestratorNames => _orchestrators.Keys;

    /// <summary>The registered activity names.</summary>
    public IReadOnlyCollection<string> ActivityNames => _activities.Keys;

    internal bool TryGetOrchestrator(string name, [NotNullWhen(true)] out TaskRegistration? registration) =>
        _orchestrators.TryGetValue(name, out registration);

    internal bool TryGetActivity(string name, [NotNullWhen(true)] out TaskRegistration? registration) =>
        _activities.TryGetValue(name, out registration);

    private DurableTaskRegistry Add(Dictionary<string, TaskRegistration> map, string name, Type type, Type contract, Func<IServiceProvider, object> create)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(type);
        if (!type.IsAssignableTo(contract) || type.IsAbstract)
        {
            throw new ArgumentException($"Type '{type.FullName}' cannot be registered as '{name}': it must be a concrete class implementing {contract.Name}.", nameof(type));
        }

        if (!map.TryAdd(name, new TaskRegistration(name, type, InputTypeOf(type), create)))
        {
            throw new ArgumentException($"'{name}' is already registered as {map[name].Type.FullName}.", nameof(name));
        }

        return this;
    }

    private static Func<IServiceProvider, object> FromServices(Type type) =>
        services => ActivatorUtilities.CreateInstance(services, type);

    /// <summary>The input type a task class expects, read from its generic base class.</summary>
    private static Type InputTypeOf(Type taskType)
    {
        for (var type = taskType; type is not null; type = type.BaseType)
        {
            if (type.IsGenericType && (type.GetGenericTypeDefinition() == typeof(TaskOrchestrator<,>) || type.GetGenericTypeDefinition() == typeof(TaskActivity<,>)))
            {
                return type.GetGenericArguments()[0];
            }
        }

        return typeof(object);
    }

    private sealed class FuncOrchestrator<TInput, TOutput>(Func<TaskOrchestrationContext, TInput, Task<TOutput>> run) : TaskOrchestrator<TInput, TOutput>
    {
        public override Task<TOutput> RunAsync(TaskOrchestrationContext context, TInput input) => run(context, input);
    }

    private sealed class FuncActivity<TInput, TOutput>(Func<TaskActivityContext, TInput, Task<TOutput>> run) : TaskActivity<TInput, TOutput>
    {
        public override Task<TOutput> RunAsync(TaskActivityContext context, TInput input) => run(context, input);
    }
}

/// <summary>A registered orchestrator or activity: its name, class, input type and how to create it.</summary>
internal sealed record TaskRegistration(string Name, Type Type, Type InputType, Func<IServiceProvider, object> Create);
