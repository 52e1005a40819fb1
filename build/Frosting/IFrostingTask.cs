using Cake.Core;

namespace Cake.Frosting;

/// <summary>
/// A task the host registers with the Cake engine. Derive from <see cref="FrostingTask{T}"/> or
/// <see cref="AsyncFrostingTask{T}"/>: as in Cake.Frosting, the host only runs tasks derived from those two.
/// </summary>
public interface IFrostingTask
{
    /// <summary>Runs the task's body.</summary>
    /// <param name="context">The build's context.</param>
    /// <returns>The running body.</returns>
    Task RunAsync(ICakeContext context);

    /// <summary>Whether the task runs; when false it is skipped (and reported as skipped).</summary>
    /// <param name="context">The build's context.</param>
    /// <returns><c>true</c> to run the task.</returns>
    bool ShouldRun(ICakeContext context);

    /// <summary>
    /// The reason shown in the report when <see cref="ShouldRun(ICakeContext)"/> returns false. Empty by default;
    /// a task sets it by implementing <see cref="IFrostingTask"/> again (<c>class T : FrostingTask&lt;C&gt;, IFrostingTask</c>).
    /// </summary>
    string SkippedMessage => string.Empty;

    /// <summary>Called when the body throws; handling it here keeps the build going.</summary>
    /// <param name="exception">What the body threw.</param>
    /// <param name="context">The build's context.</param>
    void OnError(Exception exception, ICakeContext context);

    /// <summary>Called after the body, whether it succeeded or not.</summary>
    /// <param name="context">The build's context.</param>
    void Finally(ICakeContext context);
}
