[assembly: AssemblyFixture(typeof(Workflows.GpuWorker.Tests.Trainers.SampleTraining))]
