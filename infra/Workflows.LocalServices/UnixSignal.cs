namespace Workflows.LocalServices;

/// <summary>The signals the launcher sends to a postmaster, with Linux's numbers.</summary>
internal enum UnixSignal
{
    /// <summary>SIGINT: a postmaster performs a fast shutdown (rolls back sessions, writes a shutdown checkpoint).</summary>
    Interrupt = 2,

    /// <summary>SIGQUIT: a postmaster performs an immediate shutdown (crash recovery at the next start).</summary>
    Quit = 3,

    /// <summary>SIGKILL: cannot be caught.</summary>
    Kill = 9,
}
