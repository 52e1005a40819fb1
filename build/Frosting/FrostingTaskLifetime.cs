using Cake.Core;

namespace Cake.Frosting;

/// <summary>Runs before each task.</summary>
public interface IFrostingTaskSetup
{
    void Setup(ICakeContext context, ITaskSetupContext info);
}

/// <summary>Runs after each task, whether it succeeded or not.</summary>
public interface IFrostingTaskTeardown
{
    void Teardown(ICakeContext context, ITaskTeardownContext info);
}

/// <summary>Task Setup and Teardown in one class.</summary>
public interface IFrostingTaskLifetime : IFrostingTaskSetup, IFrostingTaskTeardown
{
}

/// <summary>Per-task Setup and Teardown, registered with <c>CakeHost.UseTaskLifetime&lt;T&gt;()</c>.</summary>
public abstract class FrostingTaskLifetime<T> : IFrostingTaskLifetime
    where T : ICakeContext
{
    public abstract void Setup(T context, ITaskSetupContext info);

    public abstract void Teardown(T context, ITaskTeardownContext info);

    void IFrostingTaskSetup.Setup(ICakeContext context, ITaskSetupContext info) => Setup((T)context, info);

    void IFrostingTaskTeardown.Teardown(ICakeContext context, ITaskTeardownContext info) => Teardown((T)context, info);
}

/// <summary>A task lifetime that needs no more than <see cref="ICakeContext"/>.</summary>
public abstract class FrostingTaskLifetime : FrostingTaskLifetime<ICakeContext>
{
}

/// <summary>Only a task Setup, registered with <c>CakeHost.UseTaskSetup&lt;T&gt;()</c>.</summary>
public abstract class FrostingTaskSetup<T> : IFrostingTaskSetup
    where T : ICakeContext
{
    public abstract void Setup(T context, ITaskSetupContext info);

    void IFrostingTaskSetup.Setup(ICakeContext context, ITaskSetupContext info) => Setup((T)context, info);
}

/// <summary>Only a task Teardown, registered with <c>CakeHost.UseTaskTeardown&lt;T&gt;()</c>.</summary>
public abstract class FrostingTaskTeardown<T> : IFrostingTaskTeardown
    where T : ICakeContext
{
    public abstract void Teardown(T context, ITaskTeardownContext info);

    void IFrostingTaskTeardown.Teardown(ICakeContext context, ITaskTeardownContext info) => Teardown((T)context, info);
}
