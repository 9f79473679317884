namespace MlTrack.Cli;

/// <summary>A mistake of the user's (a bad argument, a missing file) that ends the command with a one-line message.</summary>
internal sealed class CliException : Exception
{
    public CliException()
    {
    }

    public CliException(string message)
        : base(message)
    {
    }

    public CliException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
