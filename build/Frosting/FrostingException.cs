namespace Cake.Frosting;

/// <summary>A problem with how the build is put together (a bad dependency, a missing context, ...).</summary>
public sealed class FrostingException(string message) : Exception(message)
{
}
