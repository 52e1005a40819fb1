using Cake.Core;

namespace Cake.Frosting;

/// <summary>A Setup that needs no more than <see cref="ICakeContext"/>.</summary>
public abstract class FrostingSetup : FrostingSetup<ICakeContext>
{
}

/// <summary>Only a Setup, registered with <c>CakeHost.UseSetup&lt;T&gt;()</c>.</summary>
/// <typeparam name="TContext">The context the setup expects.</typeparam>
public abstract class FrostingSetup<TContext> : IFrostingSetup
    where TContext : ICakeContext
{
    /// <summary>Runs before the first task; when it fails no task runs, but Teardown still does.</summary>
    /// <param name="context">The build's context.</param>
    /// <param name="info">The target and the tasks about to run.</param>
    public abstract void Setup(TContext context, ISetupContext info);

    /// <inheritdoc/>
    void IFrostingSetup.Setup(ICakeContext context, ISetupContext info)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(info);
        Setup((TContext)context, info);
    }
}
