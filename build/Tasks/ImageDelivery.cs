using Build.Delivery;
using Build.Infrastructure;
using Cake.Core.Diagnostics;
using Cake.Frosting;

namespace Build.Tasks;

[TaskName(nameof(ImageDelivery))]
[IsDependentOn(typeof(Preflight))]
[TaskDescription("Chooses how images reach the cluster (load, docker-env or registry) and prepares docker for it: minikube's daemon for docker-env, a registry login for registry. Checks the Docker daemon the build uses answers.")]
[UsesServicesFile]
public sealed class ImageDelivery : AsyncFrostingTask<BuildContext>, IPlannedTask
{
    public override async Task RunAsync(BuildContext context)
    {
        var delivery = DeliveryStrategy.Choose(context);
        if (delivery.Choice.DockerEnvFailure is { } failure)
        {
            context.Log.Warning("ImageDelivery: minikube docker-env failed ({0}); loading the images instead.", failure);
        }

        context.Log.Information("ImageDelivery: {0}.", delivery.Describe());
        await delivery.PrepareAsync(context);
        context.Delivery = delivery;
    }

    /// <summary>The choice a run would make; kept in <see cref="BuildContext.Delivery"/> so the later tasks' plans say what it means for them.</summary>
    public IEnumerable<string> DescribePlan(BuildContext context)
    {
        string plan;
        try
        {
            context.Delivery = DeliveryStrategy.Choose(context);
            plan = $"would use {context.Delivery.Describe()}" +
                (context.Delivery.Choice.Registry is { } registry ? $" (tags {registry.Repository("<image>")}:id-<16 hex>)." : ".");
        }
        catch (Exception exception) when (exception is Tools.ToolFailedException or Tools.ToolNotFoundException or Tools.ToolTimeoutException or FormatException or BuildInputException)
        {
            plan = $"could not tell how images would reach the cluster ({exception.Message.Split('\n')[0]}).";
        }

        yield return "ImageDelivery: " + plan;
    }
}
