// The worker agent is being built (issue 4): until it is, starting it says so instead of pretending to work.
Console.Error.WriteLine("Workflows.GpuWorker: the worker agent is not built yet.");
return 1;
