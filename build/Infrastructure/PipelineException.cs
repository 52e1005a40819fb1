namespace Build.Infrastructure;

/// <summary>A step of the redeploy failed in an expected way; the message says what failed and what to do.</summary>
public sealed class PipelineException(string message) : Exception(message)
{
}
