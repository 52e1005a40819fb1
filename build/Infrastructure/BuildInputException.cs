namespace Build.Infrastructure;

/// <summary>
/// Bad input from the user (an argument, an environment variable, the services file) or a precondition that
/// does not hold. Its message is the whole story, in one or two lines: what is wrong and what to do.
/// </summary>
public sealed class BuildInputException(string message) : Exception(message)
{
}
