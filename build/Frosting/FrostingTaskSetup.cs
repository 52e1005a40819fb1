using Cake.Core;

namespace Cake.Frosting;

/// <summary>A task Setup that needs no more than <see cref="ICakeContext"/>.</summary>
public abstract class FrostingTaskSetup : FrostingTaskSetup<ICakeContext>
{
}

/// <summary>Only a task Setup, registered with <c>CakeHost.UseTaskSetup&lt;T&gt;()</c>.</summary>
/// <typeparam name="TContext">The context the setup expects.</typeparam>
public abstract class FrostingTaskSetup<TContext> : IFrostingTaskSetup
    where TContext : ICakeContext
{
    /// <summary>Runs before each task.</summary>
    /// <param name="context">The build's context.</param>
    /// <param name="info">The task about to run.</param>
    public abstract void Setup(TContext context, ITaskSetupContext info);

    /// <inheritdoc/>
    void IFrostingTaskSetup.Setup(ICakeContext context, ITaskSetupContext info)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(info);
        Setup((TContext)context, info);
    }
}
