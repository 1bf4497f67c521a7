[assembly: AssemblyFixture(typeof(Workflows.Testing.AzuriteFixture))]
