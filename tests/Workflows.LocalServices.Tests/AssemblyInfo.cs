using System.Runtime.Versioning;

// Embedded PostgreSQL is a linux-x64 build; these tests run real servers.
[assembly: SupportedOSPlatform("linux")]
