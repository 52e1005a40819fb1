namespace Build.Infrastructure;

/// <summary>
/// How long the build waits for the outside world. Every tool call gets one of these (or the user's
/// --rollout-timeout), so a hung daemon or API server ends the run instead of stalling it.
/// </summary>
public static class Deadlines
{
    /// <summary>kubectl's own per-request timeout for ordinary calls.</summary>
    public static readonly TimeSpan KubectlRequest = TimeSpan.FromSeconds(20);

    /// <summary>A read or a small change (get, set image, tag, image ls, status).</summary>
    public static readonly TimeSpan Quick = TimeSpan.FromSeconds(30);

    /// <summary>Each check of Preflight: the cluster must answer this fast before anything is built.</summary>
    public static readonly TimeSpan Preflight = TimeSpan.FromSeconds(10);

    /// <summary>kubectl's request timeout during Preflight (it gets the rest of <see cref="Preflight"/> to start up).</summary>
    public static readonly TimeSpan PreflightRequest = TimeSpan.FromSeconds(5);

    /// <summary>All of a failed rollout's diagnosis together: best effort, it never makes a failure wait much longer.</summary>
    public static readonly TimeSpan Diagnosis = TimeSpan.FromSeconds(10);

    /// <summary>kubectl's request timeout during the diagnosis and a rollback.</summary>
    public static readonly TimeSpan DiagnosisRequest = TimeSpan.FromSeconds(5);

    /// <summary>All of a pruning together: best effort, it never holds the lock (or the run's end) for long.</summary>
    public static readonly TimeSpan Prune = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Giving up the cluster's lock at the end of a run (kubectl gets half as its request timeout): a cluster that
    /// answers does it in well under a second, and one that does not must not hold the run's end; the Lease then
    /// expires by itself.
    /// </summary>
    public static readonly TimeSpan LeaseRelease = TimeSpan.FromSeconds(3);

    /// <summary>Loading is slow for big images; this only bounds a hung minikube.</summary>
    public static readonly TimeSpan ImageLoad = TimeSpan.FromMinutes(15);
}
