using Cake.Core;

namespace Cake.Frosting;

/// <summary>Runs once before the first task.</summary>
public interface IFrostingSetup
{
    void Setup(ICakeContext context, ISetupContext info);
}

/// <summary>Runs once after the last task, also when a task failed or the build was cancelled.</summary>
public interface IFrostingTeardown
{
    void Teardown(ICakeContext context, ITeardownContext info);
}

/// <summary>Setup and Teardown in one class.</summary>
public interface IFrostingLifetime : IFrostingSetup, IFrostingTeardown
{
}

/// <summary>The build's Setup and Teardown, registered with <c>CakeHost.UseLifetime&lt;T&gt;()</c>.</summary>
public abstract class FrostingLifetime<T> : IFrostingLifetime
    where T : ICakeContext
{
    public abstract void Setup(T context, ISetupContext info);

    public abstract void Teardown(T context, ITeardownContext info);

    void IFrostingSetup.Setup(ICakeContext context, ISetupContext info) => Setup((T)context, info);

    void IFrostingTeardown.Teardown(ICakeContext context, ITeardownContext info) => Teardown((T)context, info);
}

/// <summary>A lifetime that needs no more than <see cref="ICakeContext"/>.</summary>
public abstract class FrostingLifetime : FrostingLifetime<ICakeContext>
{
}

/// <summary>Only a Setup, registered with <c>CakeHost.UseSetup&lt;T&gt;()</c>.</summary>
public abstract class FrostingSetup<T> : IFrostingSetup
    where T : ICakeContext
{
    public abstract void Setup(T context, ISetupContext info);

    void IFrostingSetup.Setup(ICakeContext context, ISetupContext info) => Setup((T)context, info);
}

/// <summary>Only a Teardown, registered with <c>CakeHost.UseTeardown&lt;T&gt;()</c>.</summary>
public abstract class FrostingTeardown<T> : IFrostingTeardown
    where T : ICakeContext
{
    public abstract void Teardown(T context, ITeardownContext info);

    void IFrostingTeardown.Teardown(ICakeContext context, ITeardownContext info) => Teardown((T)context, info);
}
