using Cake.Core;

namespace Cake.Frosting;

/// <summary>Runs before each task.</summary>
public interface IFrostingTaskSetup
{
    /// <summary>Runs before each task.</summary>
    /// <param name="context">The build's context.</param>
    /// <param name="info">The task about to run.</param>
    void Setup(ICakeContext context, ITaskSetupContext info);
}

/// <summary>Runs after each task, whether it succeeded or not.</summary>
public interface IFrostingTaskTeardown
{
    /// <summary>Runs after each task, whether it succeeded or not.</summary>
    /// <param name="context">The build's context.</param>
    /// <param name="info">The task that ran and how it went.</param>
    void Teardown(ICakeContext context, ITaskTeardownContext info);
}

/// <summary>Task Setup and Teardown in one class.</summary>
public interface IFrostingTaskLifetime : IFrostingTaskSetup, IFrostingTaskTeardown
{
}
