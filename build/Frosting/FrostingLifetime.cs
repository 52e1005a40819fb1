using Cake.Core;

namespace Cake.Frosting;

/// <summary>A lifetime that needs no more than <see cref="ICakeContext"/>.</summary>
public abstract class FrostingLifetime : FrostingLifetime<ICakeContext>
{
}

/// <summary>The build's Setup and Teardown, registered with <c>CakeHost.UseLifetime&lt;T&gt;()</c>.</summary>
/// <typeparam name="TContext">The context the lifetime expects.</typeparam>
public abstract class FrostingLifetime<TContext> : IFrostingLifetime
    where TContext : ICakeContext
{
    /// <summary>Runs before the first task; when it fails no task runs, but Teardown still does.</summary>
    /// <param name="context">The build's context.</param>
    /// <param name="info">The target and the tasks about to run.</param>
    public abstract void Setup(TContext context, ISetupContext info);

    /// <summary>Runs after the last task, whether the build succeeded or not.</summary>
    /// <param name="context">The build's context.</param>
    /// <param name="info">Whether the build succeeded, and what it threw if not.</param>
    public abstract void Teardown(TContext context, ITeardownContext info);

    /// <inheritdoc/>
    void IFrostingSetup.Setup(ICakeContext context, ISetupContext info)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(info);
        Setup((TContext)context, info);
    }

    /// <inheritdoc/>
    void IFrostingTeardown.Teardown(ICakeContext context, ITeardownContext info)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(info);
        Teardown((TContext)context, info);
    }
}
