using Cake.Core;

namespace Cake.Frosting;

/// <summary>Runs once before the first task.</summary>
public interface IFrostingSetup
{
    /// <summary>Runs before the first task; when it fails no task runs, but Teardown still does.</summary>
    /// <param name="context">The build's context.</param>
    /// <param name="info">The target and the tasks about to run.</param>
    void Setup(ICakeContext context, ISetupContext info);
}

/// <summary>Runs once after the last task, also when a task failed or the build was cancelled.</summary>
public interface IFrostingTeardown
{
    /// <summary>Runs after the last task, whether the build succeeded or not.</summary>
    /// <param name="context">The build's context.</param>
    /// <param name="info">Whether the build succeeded, and what it threw if not.</param>
    void Teardown(ICakeContext context, ITeardownContext info);
}

/// <summary>Setup and Teardown in one class.</summary>
public interface IFrostingLifetime : IFrostingSetup, IFrostingTeardown
{
}
