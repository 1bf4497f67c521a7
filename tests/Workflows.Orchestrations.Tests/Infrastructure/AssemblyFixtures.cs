[assembly: AssemblyFixture(typeof(Workflows.Testing.AzuriteFixture))]
[assembly: AssemblyFixture(typeof(Workflows.Testing.PostgresFixture))]
