using Cake.Core;

namespace Cake.Frosting;

/// <summary>A task lifetime that needs no more than <see cref="ICakeContext"/>.</summary>
public abstract class FrostingTaskLifetime : FrostingTaskLifetime<ICakeContext>
{
}

/// <summary>Per-task Setup and Teardown, registered with <c>CakeHost.UseTaskLifetime&lt;T&gt;()</c>.</summary>
/// <typeparam name="TContext">The context the lifetime expects.</typeparam>
public abstract class FrostingTaskLifetime<TContext> : IFrostingTaskLifetime
    where TContext : ICakeContext
{
    /// <summary>Runs before each task.</summary>
    /// <param name="context">The build's context.</param>
    /// <param name="info">The task about to run.</param>
    public abstract void Setup(TContext context, ITaskSetupContext info);

    /// <summary>Runs after each task, whether it succeeded or not.</summary>
    /// <param name="context">The build's context.</param>
    /// <param name="info">The task that ran and how it went.</param>
    public abstract void Teardown(TContext context, ITaskTeardownContext info);

    /// <inheritdoc/>
    void IFrostingTaskSetup.Setup(ICakeContext context, ITaskSetupContext info)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(info);
        Setup((TContext)context, info);
    }

    /// <inheritdoc/>
    void IFrostingTaskTeardown.Teardown(ICakeContext context, ITaskTeardownContext info)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(info);
        Teardown((TContext)context, info);
    }
}
