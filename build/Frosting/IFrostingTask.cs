using Cake.Core;

namespace Cake.Frosting;

/// <summary>
/// A task the host registers with the Cake engine. Derive from <see cref="FrostingTask{T}"/> or
/// <see cref="AsyncFrostingTask{T}"/> rather than implementing this directly.
/// </summary>
public interface IFrostingTask
{
    /// <summary>The context type the task expects.</summary>
    Type ContextType { get; }

    Task RunAsync(ICakeContext context);

    bool ShouldRun(ICakeContext context);

    void OnError(Exception exception, ICakeContext context);

    void Finally(ICakeContext context);
}
