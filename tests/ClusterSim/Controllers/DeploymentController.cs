using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using ClusterSim.Api;
using ClusterSim.Store;

namespace ClusterSim.Controllers;

/// <summary>
/// The deployment controller: one ReplicaSet per pod template (named &lt;deployment&gt;-&lt;pod-template-hash&gt;,
/// owned by the deployment, with a revision annotation), RollingUpdate and Recreate scaling, revision history
/// cleanup, and the status kubectl rollout status reads (observedGeneration, replica counts, the Available and
/// Progressing conditions, ProgressDeadlineExceeded).
/// </summary>
internal sealed class DeploymentController(ObjectStore store, EventRecorder events, ClusterActivity activity)
{
    public const string RevisionAnnotation = "deployment.kubernetes.io/revision";
    private const string RevisionHistoryAnnotation = "deployment.kubernetes.io/revision-history";
    private const string DesiredReplicasAnnotation = "deployment.kubernetes.io/desired-replicas";
    private const string MaxReplicasAnnotation = "deployment.kubernetes.io/max-replicas";
    private const string HashLabel = "pod-template-hash";
    private const string Component = "deployment-controller";

    private static readonly HashSet<string> NotCopiedAnnotations =
    [
        "kubectl.kubernetes.io/last-applied-configuration", RevisionAnnotation, RevisionHistoryAnnotation,
        DesiredReplicasAnnotation, MaxReplicasAnnotation, "deprecated.deployment.rollback.to",
    ];

    public void Sync(DateTimeOffset now)
    {
        var replicaSets = store.List(ResourceTypes.ReplicaSets);
        foreach (var deployment in store.List(ResourceTypes.Deployments).Where(d => !Meta.IsTerminating(d)))
        {
            var owned = replicaSets.Where(rs => Meta.Namespace(rs) == Meta.Namespace(deployment) && Meta.ControllerUid(rs) == Meta.Uid(deployment)).ToList();
            SyncDeployment(deployment, owned, now);
        }
    }

    private void SyncDeployment(JsonObject deployment, List<JsonObject> owned, DateTimeOffset now)
    {
        var template = deployment.Obj("spec", "template") ?? new JsonObject();
        var newRs = owned.Where(rs => SameTemplate(rs.Obj("spec", "template"), template)).OrderBy(Meta.Created).FirstOrDefault();
        var olds = owned.Where(rs => rs != newRs).ToList();
        string? progressing = null;
        deployment = CheckPausedConditions(deployment, now);
        if (deployment.Bool("spec", "paused") == true)
        {
            // sync(): a paused deployment starts no rollout but is still scaled and cleaned up.
            olds = ScalePaused(deployment, ref newRs, olds);
            CleanUp(deployment, olds);
        }
        else
        {
            var recreate = deployment.Str("spec", "strategy", "type") == "Recreate";
            if (newRs is null && (!recreate || olds.All(rs => Replicas(rs) == 0 && StatusReplicas(rs) == 0)))
            {
                newRs = CreateReplicaSet(deployment, olds, now);
                progressing = newRs is null ? null : $"Created new replica set \"{Meta.Name(newRs)}\"";
            }
            else if (newRs is not null)
            {
                newRs = SyncRevision(deployment, newRs, olds);
            }

            olds = recreate ? Recreate(deployment, newRs, olds) : RollingUpdate(deployment, newRs, olds);
            CleanUp(deployment, olds);
        }

        UpdateStatus(deployment, newRs, olds, progressing, now);
    }

    /// <summary>
    /// checkPausedConditions: pausing sets Progressing=Unknown/DeploymentPaused and resuming Progressing=Unknown/
    /// DeploymentResumed, each written before the rest of the sync, but never over a ProgressDeadlineExceeded verdict.
    /// </summary>
    private JsonObject CheckPausedConditions(JsonObject deployment, DateTimeOffset now)
    {
        var paused = deployment.Bool("spec", "paused") == true;
        var reason = Condition(deployment.Obj("status") ?? [], "Progressing")?.Str("reason");
        if (reason == "ProgressDeadlineExceeded" || paused == (reason == "DeploymentPaused"))
        {
            return deployment;
        }

        return store.Update(ResourceTypes.Deployments, Meta.Namespace(deployment), Meta.Name(deployment), d =>
        {
            var status = d.Child("status");
            if (paused)
            {
                SetCondition(status, "Progressing", "Unknown", "DeploymentPaused", "Deployment is paused", now);
            }
            else
            {
                SetCondition(status, "Progressing", "Unknown", "DeploymentResumed", "Deployment is resumed", now);
            }

            return d;
        });
    }

    /// <summary>
    /// scale() for a paused deployment: the one active ReplicaSet (or, with none active, the newest) is scaled to
    /// spec.replicas. A deployment paused in the middle of a rollout is not scaled proportionally here.
    /// </summary>
    private List<JsonObject> ScalePaused(JsonObject deployment, ref JsonObject? newRs, List<JsonObject> olds)
    {
        var all = newRs is null ? olds : olds.Append(newRs).ToList();
        var active = all.Where(rs => Replicas(rs) > 0).ToList();
        var target = active.Count switch
        {
            1 => active[0],
            0 => all.OrderByDescending(Meta.Created).FirstOrDefault(),
            _ => null,
        };
        if (target is null || Replicas(target) == Desired(deployment))
        {
            return olds;
        }

        var scaled = Scale(deployment, target, Desired(deployment));
        if (newRs is not null && Meta.Uid(newRs) == Meta.Uid(scaled))
        {
            newRs = scaled;
            return olds;
        }

        return olds.Select(rs => Meta.Uid(rs) == Meta.Uid(scaled) ? scaled : rs).ToList();
    }

    private static bool SameTemplate(JsonObject? rsTemplate, JsonObject deploymentTemplate)
    {
        if (rsTemplate is null)
        {
            return false;
        }

        var copy = rsTemplate.Clone();
        if (copy.Obj("metadata", "labels") is { } labels)
        {
            labels.Remove(HashLabel);
        }

        return Json.Canonical(Normalize(copy)) == Json.Canonical(Normalize(deploymentTemplate.Clone()));
    }

    /// <summary>Nulls, and empty label and annotation maps, compare equal to missing ones.</summary>
    private static JsonObject Normalize(JsonObject template)
    {
        template = (JsonObject)Json.WithoutNulls(template)!;
        if (template.Obj("metadata") is { } meta)
        {
            foreach (var key in new[] { "labels", "annotations" })
            {
                if (meta[key] is JsonObject { Count: 0 })
                {
                    meta.Remove(key);
                }
            }

            if (meta.Count == 0)
            {
                template.Remove("metadata");
            }
        }

        return template;
    }

    /// <summary>The pod-template-hash: FNV-32a over the template (and collision count), safe-encoded.</summary>
    private static string TemplateHash(JsonObject template, long collisionCount)
    {
        var text = Json.Canonical(Normalize(template.Clone())) + (collisionCount > 0 ? collisionCount.ToString(CultureInfo.InvariantCulture) : "");
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash = (hash ^ b) * 16777619u;
        }

        return Names.SafeEncode(hash.ToString(CultureInfo.InvariantCulture));
    }

    private JsonObject? CreateReplicaSet(JsonObject deployment, List<JsonObject> olds, DateTimeOffset now)
    {
        var ns = Meta.Namespace(deployment);
        var template = deployment.Obj("spec", "template")!.Clone();
        var collisions = deployment.Long("status", "collisionCount") ?? 0;
        var hash = TemplateHash(template, collisions);
        var name = $"{Meta.Name(deployment)}-{hash}";
        var labels = template.Child("metadata").Child("labels");
        labels[HashLabel] = hash;
        var selector = deployment.Obj("spec", "selector")?.Clone() ?? new JsonObject();
        selector.Child("matchLabels")[HashLabel] = hash;
        var desired = Desired(deployment);
        var revision = olds.Select(Revision).DefaultIfEmpty(0).Max() + 1;
        var initial = deployment.Str("spec", "strategy", "type") == "Recreate"
            ? desired
            : Math.Max(0, Math.Min(desired, desired + MaxSurge(deployment) - olds.Sum(Replicas)));
        var annotations = CopiedAnnotations(deployment);
        annotations[RevisionAnnotation] = revision.ToString(CultureInfo.InvariantCulture);
        annotations[DesiredReplicasAnnotation] = desired.ToString(CultureInfo.InvariantCulture);
        annotations[MaxReplicasAnnotation] = (desired + MaxSurge(deployment)).ToString(CultureInfo.InvariantCulture);
        var rs = new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["namespace"] = ns,
                ["labels"] = labels.Clone(),
                ["annotations"] = annotations,
                ["ownerReferences"] = new JsonArray(Meta.OwnerReference(deployment)),
            },
            ["spec"] = new JsonObject
            {
                ["replicas"] = initial,
                ["minReadySeconds"] = deployment.Long("spec", "minReadySeconds") ?? 0,
                ["selector"] = selector,
                ["template"] = template,
            },
        };
        try
        {
            rs = store.Create(ResourceTypes.ReplicaSets, rs);
        }
        catch (ApiException e) when (e.Code == 409)
        {
            store.Update(ResourceTypes.Deployments, ns, Meta.Name(deployment), d =>
            {
                d.Child("status")["collisionCount"] = collisions + 1;
                return d;
            });
            return null;
        }

        activity.Rollout(ns, Meta.Name(deployment));
        if (initial > 0)
        {
            events.Normal(deployment, "ScalingReplicaSet", $"Scaled up replica set {name} from 0 to {initial}", Component);
        }

        SetRevisionAnnotation(deployment, revision);
        return rs;
    }

    /// <summary>A ReplicaSet that matches the template again (rollback) becomes the newest revision.</summary>
    private JsonObject SyncRevision(JsonObject deployment, JsonObject newRs, List<JsonObject> olds)
    {
        var target = Math.Max(olds.Select(Revision).DefaultIfEmpty(0).Max() + 1, Revision(newRs));
        if (target != Revision(newRs))
        {
            activity.Rollout(Meta.Namespace(deployment), Meta.Name(deployment));
        }

        var current = Revision(newRs);
        newRs = store.Update(ResourceTypes.ReplicaSets, Meta.Namespace(newRs), Meta.Name(newRs), rs =>
        {
            var annotations = Meta.Of(rs).Child("annotations");
            foreach (var (key, value) in CopiedAnnotations(deployment))
            {
                annotations[key] = value?.DeepClone();
            }

            if (target != current)
            {
                var history = Meta.Annotation(rs, RevisionHistoryAnnotation);
                annotations[RevisionHistoryAnnotation] = string.IsNullOrEmpty(history) ? current.ToString(CultureInfo.InvariantCulture) : $"{history},{current}";
                annotations[RevisionAnnotation] = target.ToString(CultureInfo.InvariantCulture);
            }

            return rs;
        });
        SetRevisionAnnotation(deployment, target);
        return newRs;
    }

    private void SetRevisionAnnotation(JsonObject deployment, long revision)
    {
        var text = revision.ToString(CultureInfo.InvariantCulture);
        if (Meta.Annotation(deployment, RevisionAnnotation) != text)
        {
            store.Update(ResourceTypes.Deployments, Meta.Namespace(deployment), Meta.Name(deployment), d =>
            {
                Meta.SetAnnotation(d, RevisionAnnotation, text);
                return d;
            });
        }
    }

    private static JsonObject CopiedAnnotations(JsonObject deployment)
    {
        var copied = new JsonObject();
        foreach (var (key, value) in Meta.Annotations(deployment).Where(a => !NotCopiedAnnotations.Contains(a.Key)))
        {
            copied[key] = value;
        }

        return copied;
    }

    /// <summary>The RollingUpdate strategy: surge the new ReplicaSet, then scale old ones down as new pods become available.</summary>
    private List<JsonObject> RollingUpdate(JsonObject deployment, JsonObject? newRs, List<JsonObject> olds)
    {
        var desired = Desired(deployment);
        var maxSurge = MaxSurge(deployment);
        var maxUnavailable = MaxUnavailable(deployment);
        if (newRs is not null)
        {
            var all = olds.Sum(Replicas) + Replicas(newRs);
            if (Replicas(newRs) < desired)
            {
                var up = Math.Min(desired + maxSurge - all, desired - Replicas(newRs));
                if (up > 0)
                {
                    Scale(deployment, newRs, Replicas(newRs) + up);
                }
            }
            else if (Replicas(newRs) > desired)
            {
                Scale(deployment, newRs, desired);
            }

            newRs = store.Get(ResourceTypes.ReplicaSets, Meta.Namespace(newRs), Meta.Name(newRs)) ?? newRs;
        }

        if (olds.Sum(Replicas) == 0)
        {
            return olds;
        }

        var allPods = olds.Sum(Replicas) + (newRs is null ? 0 : Replicas(newRs));
        var minAvailable = desired - maxUnavailable;
        var newUnavailable = newRs is null ? 0 : Replicas(newRs) - Available(newRs);
        var maxScaledDown = allPods - minAvailable - newUnavailable;
        if (maxScaledDown <= 0)
        {
            return olds;
        }

        var updated = new List<JsonObject>();
        foreach (var rs in olds.OrderBy(Meta.Created))
        {
            var unhealthy = Replicas(rs) - Available(rs);
            var down = Math.Min(maxScaledDown, unhealthy);
            if (down > 0)
            {
                maxScaledDown -= down;
                updated.Add(Scale(deployment, rs, Replicas(rs) - down));
            }
            else
            {
                updated.Add(rs);
            }
        }

        var availablePods = updated.Sum(Available) + (newRs is null ? 0 : Available(newRs));
        var total = Math.Min(maxScaledDown, availablePods - minAvailable);
        for (var i = 0; i < updated.Count && total > 0; i++)
        {
            var down = Math.Min(Replicas(updated[i]), total);
            if (down > 0)
            {
                total -= down;
                updated[i] = Scale(deployment, updated[i], Replicas(updated[i]) - down);
            }
        }

        return updated;
    }

    /// <summary>The Recreate strategy: scale every old ReplicaSet to zero, wait for their pods to go, then scale the new one up.</summary>
    private List<JsonObject> Recreate(JsonObject deployment, JsonObject? newRs, List<JsonObject> olds)
    {
        var scaled = olds.Select(rs => Replicas(rs) > 0 ? Scale(deployment, rs, 0) : rs).ToList();
        if (newRs is not null && scaled.All(rs => StatusReplicas(rs) == 0) && Replicas(newRs) != Desired(deployment))
        {
            Scale(deployment, newRs, Desired(deployment));
        }

        return scaled;
    }

    private JsonObject Scale(JsonObject deployment, JsonObject rs, long replicas)
    {
        var from = Replicas(rs);
        var desired = Desired(deployment);
        var updated = store.Update(ResourceTypes.ReplicaSets, Meta.Namespace(rs), Meta.Name(rs), r =>
        {
            r.Child("spec")["replicas"] = replicas;
            Meta.SetAnnotation(r, DesiredReplicasAnnotation, desired.ToString(CultureInfo.InvariantCulture));
            Meta.SetAnnotation(r, MaxReplicasAnnotation, (desired + MaxSurge(deployment)).ToString(CultureInfo.InvariantCulture));
            return r;
        });
        if (from != replicas)
        {
            var direction = replicas > from ? "up" : "down";
            events.Normal(deployment, "ScalingReplicaSet", $"Scaled {direction} replica set {Meta.Name(rs)} from {from} to {replicas}", Component);
        }

        return updated;
    }

    /// <summary>Deletes the oldest unused ReplicaSets beyond spec.revisionHistoryLimit.</summary>
    private void CleanUp(JsonObject deployment, List<JsonObject> olds)
    {
        var limit = deployment.Long("spec", "revisionHistoryLimit") ?? 10;
        var unused = olds.Where(rs => Replicas(rs) == 0 && StatusReplicas(rs) == 0).OrderBy(Revision).ToList();
        foreach (var rs in unused.Take(Math.Max(0, unused.Count - (int)limit)))
        {
            store.Delete(ResourceTypes.ReplicaSets, Meta.Namespace(rs), Meta.Name(rs));
        }
    }

    private void UpdateStatus(JsonObject deployment, JsonObject? newRs, List<JsonObject> olds, string? created, DateTimeOffset now)
    {
        var ns = Meta.Namespace(deployment);
        var name = Meta.Name(deployment);
        var fresh = (newRs is null ? olds : olds.Append(newRs))
            .Select(rs => store.Get(ResourceTypes.ReplicaSets, Meta.Namespace(rs), Meta.Name(rs)))
            .OfType<JsonObject>().ToList();
        var newFresh = newRs is null ? null : fresh.FirstOrDefault(rs => Meta.Uid(rs) == Meta.Uid(newRs));
        store.Update(ResourceTypes.Deployments, ns, name, d =>
        {
            var desired = Desired(d);
            var old = d.Obj("status")?.Clone() ?? new JsonObject();
            var status = new JsonObject { ["observedGeneration"] = Meta.Generation(d) };
            var replicas = fresh.Sum(StatusReplicas);
            var updated = newFresh is null ? 0 : StatusReplicas(newFresh);
            var ready = fresh.Sum(rs => rs.Long("status", "readyReplicas") ?? 0);
            var available = fresh.Sum(Available);
            var unavailable = Math.Max(0, fresh.Sum(Replicas) - available);
            status["replicas"] = replicas;
            status["updatedReplicas"] = updated;
            status["readyReplicas"] = ready;
            status["availableReplicas"] = available;
            status["unavailableReplicas"] = unavailable;
            foreach (var key in new[] { "replicas", "updatedReplicas", "readyReplicas", "availableReplicas", "unavailableReplicas" })
            {
                if (status.Long(key) == 0)
                {
                    status.Remove(key);
                }
            }

            status["conditions"] = old["conditions"]?.DeepClone() ?? new JsonArray();
            if (old["collisionCount"] is { } collisions)
            {
                status["collisionCount"] = collisions.DeepClone();
            }

            var minAvailable = desired - MaxUnavailable(d);
            SetCondition(status, "Available", available >= minAvailable ? "True" : "False",
                available >= minAvailable ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
                available >= minAvailable ? "Deployment has minimum availability." : "Deployment does not have minimum availability.", now);
            var rsName = newFresh is null ? null : Meta.Name(newFresh);
            if (d.Bool("spec", "paused") == true)
            {
                // CheckPausedConditions set what a paused deployment reports.
            }
            else if (created is not null)
            {
                SetCondition(status, "Progressing", "True", "NewReplicaSetCreated", created, now);
            }
            else if (rsName is not null && Condition(status, "Progressing") is null)
            {
                SetCondition(status, "Progressing", "True", "FoundNewReplicaSet", $"Found new replica set \"{rsName}\"", now);
            }
            else if (!(replicas == updated && Condition(old, "Progressing")?.Str("reason") == "NewReplicaSetAvailable"))
            {
                UpdateProgress(d, old, status, rsName, desired, now);
            }

            d["status"] = status;
            return d;
        });
    }

    /// <summary>The Progressing condition as the real syncRolloutStatus decides it.</summary>
    private static void UpdateProgress(JsonObject d, JsonObject old, JsonObject status, string? rsName, long desired, DateTimeOffset now)
    {
        var who = rsName is null ? $"Deployment \"{Meta.Name(d)}\"" : $"ReplicaSet \"{rsName}\"";
        long Get(JsonObject s, string key) => s.Long(key) ?? 0;
        var complete = Get(status, "updatedReplicas") == desired && Get(status, "replicas") == desired && Get(status, "availableReplicas") == desired;
        var progressed = Get(status, "updatedReplicas") > Get(old, "updatedReplicas")
            || Get(status, "replicas") - Get(status, "updatedReplicas") < Get(old, "replicas") - Get(old, "updatedReplicas")
            || Get(status, "readyReplicas") > Get(old, "readyReplicas")
            || Get(status, "availableReplicas") > Get(old, "availableReplicas");
        if (complete)
        {
            SetCondition(status, "Progressing", "True", "NewReplicaSetAvailable", $"{who} has successfully progressed.", now);
        }
        else if (progressed)
        {
            var current = Condition(status, "Progressing");
            var transition = current?.Str("status") == "True" ? current.Str("lastTransitionTime") : null;
            RemoveCondition(status, "Progressing");
            SetCondition(status, "Progressing", "True", "ReplicaSetUpdated", $"{who} is progressing.", now);
            if (transition is not null)
            {
                Condition(status, "Progressing")!["lastTransitionTime"] = transition;
            }
        }
        else if (Condition(status, "Progressing") is { } condition && condition.Str("reason") != "NewReplicaSetAvailable")
        {
            var deadline = d.Long("spec", "progressDeadlineSeconds") ?? 600;
            var since = Json.ParseTime(condition.Str("lastUpdateTime")) ?? now;
            if (condition.Str("reason") != "ProgressDeadlineExceeded" && since.AddSeconds(deadline) < now)
            {
                SetCondition(status, "Progressing", "False", "ProgressDeadlineExceeded", $"{who} has timed out progressing.", now);
            }
        }
    }

    private static JsonObject? Condition(JsonObject status, string type) =>
        status.Arr("conditions").Objects().FirstOrDefault(c => c.Str("type") == type);

    private static void RemoveCondition(JsonObject status, string type)
    {
        if (status.Arr("conditions") is { } conditions && Condition(status, type) is { } existing)
        {
            conditions.Remove(existing);
        }
    }

    /// <summary>SetDeploymentCondition: same status and reason changes nothing; a new status moves lastTransitionTime.</summary>
    private static void SetCondition(JsonObject status, string type, string value, string reason, string message, DateTimeOffset now)
    {
        var existing = Condition(status, type);
        if (existing is not null && existing.Str("status") == value && existing.Str("reason") == reason)
        {
            return;
        }

        var transition = existing is not null && existing.Str("status") == value ? existing.Str("lastTransitionTime") : Json.Time(now);
        RemoveCondition(status, type);
        var conditions = status.Arr("conditions") ?? new JsonArray();
        status["conditions"] = conditions;
        conditions.Add(new JsonObject
        {
            ["type"] = type,
            ["status"] = value,
            ["lastUpdateTime"] = Json.Time(now),
            ["lastTransitionTime"] = transition,
            ["reason"] = reason,
            ["message"] = message,
        });
    }

    private static long Desired(JsonObject deployment) => deployment.Long("spec", "replicas") ?? 1;

    private static long Replicas(JsonObject rs) => rs.Long("spec", "replicas") ?? 0;

    private static long StatusReplicas(JsonObject rs) => rs.Long("status", "replicas") ?? 0;

    private static long Available(JsonObject rs) => rs.Long("status", "availableReplicas") ?? 0;

    private static long Revision(JsonObject rs) =>
        long.TryParse(Meta.Annotation(rs, RevisionAnnotation), CultureInfo.InvariantCulture, out var revision) ? revision : 0;

    private static long MaxSurge(JsonObject deployment) =>
        deployment.Str("spec", "strategy", "type") == "Recreate" ? 0 : Resolve(deployment.At("spec", "strategy", "rollingUpdate", "maxSurge"), Desired(deployment), roundUp: true);

    /// <summary>maxUnavailable, which is 1 when both it and maxSurge resolve to 0 (ResolveFenceposts).</summary>
    private static long MaxUnavailable(JsonObject deployment)
    {
        if (deployment.Str("spec", "strategy", "type") == "Recreate")
        {
            return 0;
        }

        var unavailable = Resolve(deployment.At("spec", "strategy", "rollingUpdate", "maxUnavailable"), Desired(deployment), roundUp: false);
        return unavailable == 0 && MaxSurge(deployment) == 0 ? 1 : Math.Min(unavailable, Desired(deployment));
    }

    /// <summary>An IntOrString: a count, or a percentage of <paramref name="total"/> rounded as the field asks.</summary>
    private static long Resolve(JsonNode? value, long total, bool roundUp)
    {
        if (value is JsonValue v && v.TryGetValue<string>(out var text))
        {
            if (text.EndsWith('%') && double.TryParse(text[..^1], CultureInfo.InvariantCulture, out var percent))
            {
                var exact = percent * total / 100.0;
                return (long)(roundUp ? Math.Ceiling(exact) : Math.Floor(exact));
            }

            return long.TryParse(text, CultureInfo.InvariantCulture, out var number) ? number : 0;
        }

        return value.Long() ?? 0;
    }
}
