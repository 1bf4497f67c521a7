[assembly: AssemblyFixture(typeof(Workflows.Testing.PostgresFixture))]
[assembly: AssemblyFixture(typeof(Workflows.Testing.AzuriteFixture))]
