[assembly: AssemblyFixture(typeof(Workflows.Testing.PostgresFixture))]
