namespace Cake.Frosting;

/// <summary>A problem with how the build is put together (a dependency that is not a task, a tool that cannot be installed, ...).</summary>
public sealed class FrostingException : Exception
{
    /// <summary>Creates the exception with the message a user sees.</summary>
    /// <param name="message">What is wrong.</param>
    public FrostingException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the message a user sees and the failure behind it.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The failure behind it.</param>
    public FrostingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
