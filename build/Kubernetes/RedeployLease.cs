using System.Globalization;
using System.Text.Json.Nodes;
using Build.Infrastructure;

namespace Build.Kubernetes;

/// <summary>What the lock's Lease said when it was read: who holds it, until when, and its version.</summary>
public sealed record LeaseRecord(string? Holder, TimeSpan Duration, DateTimeOffset? RenewTime, DateTimeOffset? AcquireTime, int Transitions, string ResourceVersion)
{
    /// <summary>When the lease ends unless its holder renews it; null when nobody holds it.</summary>
    public DateTimeOffset? ExpiresAt => Holder is null ? null : (RenewTime ?? AcquireTime ?? DateTimeOffset.MinValue) + Duration;

    /// <summary>Held and not expired at <paramref name="now"/>. An empty holder or a lease not renewed within its duration is free.</summary>
    public bool IsHeldAt(DateTimeOffset now) => ExpiresAt is { } end && end > now;

    public static LeaseRecord Parse(JsonNode lease)
    {
        var spec = lease["spec"];
        return new LeaseRecord(
            spec?["holderIdentity"]?.GetValue<string>() is { Length: > 0 } holder ? holder : null,
            TimeSpan.FromSeconds(spec?["leaseDurationSeconds"]?.GetValue<int>() ?? 0),
            Time(spec?["renewTime"]),
            Time(spec?["acquireTime"]),
            spec?["leaseTransitions"]?.GetValue<int>() ?? 0,
            lease["metadata"]?["resourceVersion"]?.GetValue<string>() ?? "");

        static DateTimeOffset? Time(JsonNode? node) =>
            node?.GetValue<string>() is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : null;
    }
}

/// <summary>
/// The redeploy lock as it lives in the cluster: a <c>coordination.k8s.io/v1</c> Lease named
/// <see cref="Name"/> in the namespace, written as client-go's leader election writes its leases. It is taken with
/// the API's optimistic concurrency: created when missing (AlreadyExists means another run was faster), or
/// replaced with the <c>resourceVersion</c> just read when free or expired (Conflict means another run was faster).
/// Its holder renews it every third of its duration and empties <c>holderIdentity</c> at the end; a holder that
/// dies stops renewing, and the lease is free once its duration has passed since the last renewal (by the reader's
/// clock: clocks are assumed to agree within seconds, as NTP keeps them).
/// </summary>
public static class RedeployLease
{
    public const string Name = "coinpilot-redeploy";

    public static readonly TimeSpan DefaultDuration = TimeSpan.FromSeconds(30);

    /// <summary>The shortest lease the build accepts: renewals (a kubectl call each) come every third of it.</summary>
    public static readonly TimeSpan ShortestDuration = TimeSpan.FromSeconds(5);

    /// <summary>How often the holder renews: a third of the duration, so two renewals can fail before it expires.</summary>
    public static TimeSpan RenewEvery(TimeSpan duration) => duration / 3;

    /// <summary>The Lease object to create or replace (with <paramref name="resourceVersion"/>: only if nobody changed it since).</summary>
    public static string Manifest(string @namespace, string? holder, TimeSpan duration, DateTimeOffset acquired, DateTimeOffset renewed, int transitions, string? resourceVersion)
    {
        var metadata = new JsonObject
        {
            ["name"] = Name,
            ["namespace"] = @namespace,
            ["labels"] = new JsonObject { ["app.kubernetes.io/managed-by"] = "coinpilot-redeploy" },
        };
        if (resourceVersion is not null)
        {
            metadata["resourceVersion"] = resourceVersion;
        }

        return new JsonObject
        {
            ["apiVersion"] = "coordination.k8s.io/v1",
            ["kind"] = "Lease",
            ["metadata"] = metadata,
            ["spec"] = new JsonObject
            {
                ["holderIdentity"] = holder ?? "",
                ["leaseDurationSeconds"] = (int)Math.Ceiling(duration.TotalSeconds),
                ["acquireTime"] = MicroTime(acquired),
                ["renewTime"] = MicroTime(renewed),
                ["leaseTransitions"] = transitions,
            },
        }.ToJsonString();
    }

    /// <summary>metav1.MicroTime as the API server parses it: UTC, exactly six fractional digits.</summary>
    public static string MicroTime(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>What a refused run is told about the lease that is in its way.</summary>
    public static string Describe(LeaseRecord lease, DateTimeOffset now)
    {
        var left = lease.ExpiresAt is { } end ? Math.Max(0, (int)Math.Ceiling((end - now).TotalSeconds)) : 0;
        return $"its Lease {Name} lasts {KubectlRunner.Seconds(lease.Duration)} from each renewal: if that run died, the lock is free in {left}s";
    }
}
