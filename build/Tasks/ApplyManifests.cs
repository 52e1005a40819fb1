using System.Text.RegularExpressions;
using Build.Infrastructure;
using Build.Kubernetes;
using Cake.Core.Diagnostics;
using Cake.Frosting;

namespace Build.Tasks;

[TaskName(nameof(ApplyManifests))]
[IsDependentOn(typeof(MinikubeImageLoad))]
[TaskDescription("Applies the manifests listed in the services file (kubectl apply) with each service's image set to its id- tag, creating the namespace if missing.")]
[UsesServicesFile]
[ChangesCluster]
public sealed partial class ApplyManifests : FrostingTask<BuildContext>, IPlannedTask
{
    public override void Run(BuildContext context)
    {
        var config = context.Config;
        if (config.Manifests.Count == 0)
        {
            throw new BuildInputException(
                $"{Path.GetFileName(config.FilePath)} lists no manifests: add \"manifests\": [\"path/to/deployment.yaml\", ...] to deploy with it.");
        }

        var objects = config.Manifests.SelectMany(Manifests.Read).ToList();
        var missing = Manifests.SetImages(objects, context.BuiltImages).ToList();
        if (missing.Count > 0)
        {
            // Said once, however many services it concerns.
            context.Log.Warning("ApplyManifests: no deployment in the manifests for {0} {1}; Rollout expects {2} to exist already.",
                missing.Count == 1 ? "service" : "services", Listing.Few(missing), missing.Count == 1 ? "it" : "them");
        }

        var hasNamespace = objects.Any(o => (string?)o["kind"] == "Namespace" && (string?)o["metadata"]?["name"] == config.Namespace);
        var ordered = (hasNamespace ? [] : new[] { Manifests.Namespace(config.Namespace) })
            .Concat(objects.OrderBy(o => (string?)o["kind"] == "Namespace" ? 0 : 1));

        foreach (var line in context.KubectlApply(context.Kubectl(Deadlines.Quick), Manifests.AsStream(ordered)))
        {
            context.LogText("ApplyManifests: " + line);
            if (ChangedDeployment().Match(line) is { Success: true } changed)
            {
                context.AppliedDeployments.Add(changed.Groups["name"].Value);
            }
        }
    }

    public IEnumerable<string> DescribePlan(BuildContext context)
    {
        var root = context.Environment.WorkingDirectory.FullPath;
        yield return $"ApplyManifests: kubectl apply of {string.Join(", ", context.Config.Manifests.Select(m => Path.GetRelativePath(root, m)))} " +
            $"(images set to the built id- tags; namespace {context.Config.Namespace} created if missing).";
    }

    [GeneratedRegex(@"^deployment\.apps/(?<name>\S+) (created|configured)$")]
    private static partial Regex ChangedDeployment();
}
