using Cake.Core;

namespace Cake.Frosting;

/// <summary>A synchronous task that needs no more than <see cref="ICakeContext"/>.</summary>
public abstract class FrostingTask : FrostingTask<ICakeContext>
{
}

/// <summary>
/// A task with a synchronous body. Override <see cref="Run"/>; a task that only carries
/// <see cref="IsDependentOnAttribute"/> attributes (an aggregator) overrides nothing.
/// </summary>
/// <typeparam name="T">The context the task expects (the one registered with <c>UseContext</c>).</typeparam>
public abstract class FrostingTask<T> : IFrostingTask
    where T : ICakeContext
{
    /// <summary>The task's body. Only an overriding body is registered with the engine.</summary>
    /// <param name="context">The build's context.</param>
    public virtual void Run(T context)
    {
    }

    /// <summary>When false the task is skipped (and reported as skipped).</summary>
    /// <param name="context">The build's context.</param>
    /// <returns><c>true</c> to run the task.</returns>
    public virtual bool ShouldRun(T context) => true;

    /// <summary>
    /// Called when <see cref="Run"/> throws. As in Cake, overriding it handles the exception:
    /// rethrow it to fail the build.
    /// </summary>
    /// <param name="exception">What <see cref="Run"/> threw.</param>
    /// <param name="context">The build's context.</param>
    public virtual void OnError(Exception exception, T context)
    {
    }

    /// <summary>Called after <see cref="Run"/>, whether it succeeded or not.</summary>
    /// <param name="context">The build's context.</param>
    public virtual void Finally(T context)
    {
    }

    /// <inheritdoc/>
    Task IFrostingTask.RunAsync(ICakeContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Run((T)context);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    bool IFrostingTask.ShouldRun(ICakeContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return ShouldRun((T)context);
    }

    /// <inheritdoc/>
    void IFrostingTask.OnError(Exception exception, ICakeContext context)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentNullException.ThrowIfNull(context);
        OnError(exception, (T)context);
    }

    /// <inheritdoc/>
    void IFrostingTask.Finally(ICakeContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Finally((T)context);
    }
}
