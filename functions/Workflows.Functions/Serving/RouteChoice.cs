namespace Workflows.Functions.Serving;

/// <summary>
/// Which loaded version answers a request (<see cref="Model"/>, with a reference held) under which route name, and the
/// shadow that scores a copy, if any (also with a reference held). Both references are the receiver's to give back.
/// </summary>
internal readonly record struct RouteChoice(ServedModel Model, string Route, ServedModel? Shadow);
