using Cake.Core;

namespace Cake.Frosting;

/// <summary>
/// A task with a synchronous body. Override <see cref="Run"/>; a task that only carries
/// <see cref="IsDependentOnAttribute"/> attributes (an aggregator) overrides nothing.
/// </summary>
public abstract class FrostingTask<T> : IFrostingTask
    where T : ICakeContext
{
    public Type ContextType => typeof(T);

    public virtual void Run(T context)
    {
    }

    /// <summary>When false the task is skipped (and reported as skipped).</summary>
    public virtual bool ShouldRun(T context) => true;

    /// <summary>
    /// Called when <see cref="Run"/> throws. As in Cake, overriding it handles the exception:
    /// rethrow it to fail the build.
    /// </summary>
    public virtual void OnError(Exception exception, T context)
    {
    }

    /// <summary>Called after <see cref="Run"/>, whether it succeeded or not.</summary>
    public virtual void Finally(T context)
    {
    }

    Task IFrostingTask.RunAsync(ICakeContext context)
    {
        Run((T)context);
        return Task.CompletedTask;
    }

    bool IFrostingTask.ShouldRun(ICakeContext context) => ShouldRun((T)context);

    void IFrostingTask.OnError(Exception exception, ICakeContext context) => OnError(exception, (T)context);

    void IFrostingTask.Finally(ICakeContext context) => Finally((T)context);
}

/// <summary>A synchronous task that needs no more than <see cref="ICakeContext"/>.</summary>
public abstract class FrostingTask : FrostingTask<ICakeContext>
{
}
