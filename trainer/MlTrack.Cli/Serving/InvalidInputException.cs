namespace MlTrack.Cli.Serving;

/// <summary>A request the model cannot score (malformed, missing inputs, a value that is not a number): answered
/// 400 with MLflow's error JSON, never 500.</summary>
internal sealed class InvalidInputException : Exception
{
    public InvalidInputException()
    {
    }

    public InvalidInputException(string message)
        : base(message)
    {
    }

    public InvalidInputException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
