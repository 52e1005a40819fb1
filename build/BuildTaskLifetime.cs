using Cake.Core;
using Cake.Frosting;

namespace Build;

/// <summary>Runs around every task.</summary>
public sealed class BuildTaskLifetime : FrostingTaskLifetime<BuildContext>
{
    public override void Setup(BuildContext context, ITaskSetupContext info)
    {
    }

    public override void Teardown(BuildContext context, ITaskTeardownContext info)
    {
    }
}
