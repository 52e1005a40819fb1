using Cake.Core;

namespace Cake.Frosting;

/// <summary>A task Teardown that needs no more than <see cref="ICakeContext"/>.</summary>
public abstract class FrostingTaskTeardown : FrostingTaskTeardown<ICakeContext>
{
}

/// <summary>Only a task Teardown, registered with <c>CakeHost.UseTaskTeardown&lt;T&gt;()</c>.</summary>
/// <typeparam name="TContext">The context the teardown expects.</typeparam>
public abstract class FrostingTaskTeardown<TContext> : IFrostingTaskTeardown
    where TContext : ICakeContext
{
    /// <summary>Runs after each task, whether it succeeded or not.</summary>
    /// <param name="context">The build's context.</param>
    /// <param name="info">The task that ran and how it went.</param>
    public abstract void Teardown(TContext context, ITaskTeardownContext info);

    /// <inheritdoc/>
    void IFrostingTaskTeardown.Teardown(ICakeContext context, ITaskTeardownContext info)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(info);
        Teardown((TContext)context, info);
    }
}
