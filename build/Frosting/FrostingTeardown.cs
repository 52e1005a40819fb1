using Cake.Core;

namespace Cake.Frosting;

/// <summary>A Teardown that needs no more than <see cref="ICakeContext"/>.</summary>
public abstract class FrostingTeardown : FrostingTeardown<ICakeContext>
{
}

/// <summary>Only a Teardown, registered with <c>CakeHost.UseTeardown&lt;T&gt;()</c>.</summary>
/// <typeparam name="TContext">The context the teardown expects.</typeparam>
public abstract class FrostingTeardown<TContext> : IFrostingTeardown
    where TContext : ICakeContext
{
    /// <summary>Runs after the last task, whether the build succeeded or not.</summary>
    /// <param name="context">The build's context.</param>
    /// <param name="info">Whether the build succeeded, and what it threw if not.</param>
    public abstract void Teardown(TContext context, ITeardownContext info);

    /// <inheritdoc/>
    void IFrostingTeardown.Teardown(ICakeContext context, ITeardownContext info)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(info);
        Teardown((TContext)context, info);
    }
}
