namespace Workflows.LocalServices;

/// <summary>The signals the launchers send to their servers, with Linux's numbers.</summary>
internal enum UnixSignal
{
    /// <summary>SIGINT: a postmaster performs a fast shutdown (rolls back sessions, writes a shutdown checkpoint).</summary>
    Interrupt = 2,

    /// <summary>SIGQUIT: a postmaster performs an immediate shutdown (crash recovery at the next start).</summary>
    Quit = 3,

    /// <summary>SIGKILL: cannot be caught.</summary>
    Kill = 9,

    /// <summary>SIGTERM: Azurite closes its listener and flushes its metadata before exiting.</summary>
    Terminate = 15,
}
