using Cake.Core;

namespace Cake.Frosting;

/// <summary>An asynchronous task that needs no more than <see cref="ICakeContext"/>.</summary>
public abstract class AsyncFrostingTask : AsyncFrostingTask<ICakeContext>
{
}

/// <summary>A task with an asynchronous body. Override <see cref="RunAsync"/>.</summary>
/// <typeparam name="T">The context the task expects (the one registered with <c>UseContext</c>).</typeparam>
public abstract class AsyncFrostingTask<T> : IFrostingTask
    where T : ICakeContext
{
    /// <summary>The task's body. Only an overriding body is registered with the engine.</summary>
    /// <param name="context">The build's context.</param>
    /// <returns>The running body.</returns>
    public virtual Task RunAsync(T context) => Task.CompletedTask;

    /// <summary>When false the task is skipped (and reported as skipped).</summary>
    /// <param name="context">The build's context.</param>
    /// <returns><c>true</c> to run the task.</returns>
    public virtual bool ShouldRun(T context) => true;

    /// <summary>
    /// Called when <see cref="RunAsync"/> fails. As in Cake, overriding it handles the exception:
    /// rethrow it to fail the build.
    /// </summary>
    /// <param name="exception">What <see cref="RunAsync"/> threw.</param>
    /// <param name="context">The build's context.</param>
    public virtual void OnError(Exception exception, T context)
    {
        ArgumentNullException.ThrowIfNull(exception);
    }

    /// <summary>Called after <see cref="RunAsync"/>, whether it succeeded or not.</summary>
    /// <param name="context">The build's context.</param>
    public virtual void Finally(T context)
    {
    }

    /// <inheritdoc/>
    Task IFrostingTask.RunAsync(ICakeContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return RunAsync((T)context);
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
