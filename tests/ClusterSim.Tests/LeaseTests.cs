using System.Text.Json.Nodes;
using Xunit;

namespace ClusterSim.Tests;

/// <summary>
/// coordination.k8s.io/v1 Leases as client-go's leader election writes them, with the API's optimistic concurrency and
/// delete preconditions, driven by the real kubectl (create, replace, get, patch, delete --raw with a body).
/// </summary>
public sealed class LeaseTests
{
    private const string Path = "/apis/coordination.k8s.io/v1/namespaces/default/leases/redeploy-lock";

    [SkippableFact]
    public async Task Leases_are_discovered_created_listed_with_their_holder_and_refused_twice()
    {
        await using var cluster = await TestCluster.StartAsync();

        Assert.Matches(@"leases\s+coordination\.k8s\.io/v1\s+true\s+Lease", await cluster.KubectlOkAsync("api-resources", "--api-group=coordination.k8s.io", "--no-headers"));
        var legacy = JsonNode.Parse(await cluster.KubectlOkAsync("get", "--raw", "/apis/coordination.k8s.io/v1"))!;
        Assert.Equal("leases", Assert.Single(legacy["resources"]!.AsArray())!["name"]!.GetValue<string>());

        var manifest = cluster.Manifest("lease.yaml", Lease("alice@laptop pid 4242 Redeploy", renewTime: "2026-03-01T10:00:00.123456+02:00"));
        Assert.Contains("lease.coordination.k8s.io/redeploy-lock created", await cluster.KubectlOkAsync("create", "-f", manifest));
        Assert.Matches(@"NAME\s+HOLDER\s+AGE\nredeploy-lock\s+alice@laptop pid 4242 Redeploy\s+\d+s", await cluster.KubectlOkAsync("get", "leases"));

        var lease = await cluster.KubectlJsonAsync("get", "lease", "redeploy-lock");
        Assert.Equal("Lease", lease["kind"]!.GetValue<string>());
        Assert.Equal("coordination.k8s.io/v1", lease["apiVersion"]!.GetValue<string>());
        var spec = lease["spec"]!;
        Assert.Equal(30, spec["leaseDurationSeconds"]!.GetValue<int>());
        Assert.Equal("2026-03-01T08:00:00.123456Z", spec["renewTime"]!.GetValue<string>());
        Assert.Equal("2026-03-01T09:59:00.000000Z", spec["acquireTime"]!.GetValue<string>());
        Assert.Equal(0, spec["leaseTransitions"]!.GetValue<int>());

        var again = await cluster.KubectlAsync("create", "-f", manifest);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains($"Error from server (AlreadyExists): error when creating \"{manifest}\": leases.coordination.k8s.io \"redeploy-lock\" already exists", again.StandardError);
    }

    [SkippableFact]
    public async Task A_replace_with_a_stale_resource_version_is_a_conflict_and_a_fresh_one_takes_the_lease()
    {
        await using var cluster = await TestCluster.StartAsync();
        var created = await cluster.KubectlWithInputAsync(Lease("alice"), "create", "-f", "-");
        Assert.True(created.ExitCode == 0 && created.StandardOutput.Contains("lease.coordination.k8s.io/redeploy-lock created", StringComparison.Ordinal), created.ToString());
        var read = await cluster.KubectlJsonAsync("get", "lease", "redeploy-lock");

        await cluster.KubectlOkAsync("patch", "lease", "redeploy-lock", "--type=merge", "-p", "{\"spec\":{\"renewTime\":\"2026-03-01T10:00:10.000000Z\"}}");
        read["spec"]!["holderIdentity"] = "bob";
        var stale = await cluster.KubectlWithInputAsync(read.ToJsonString(), "replace", "-f", "-");
        Assert.Equal(1, stale.ExitCode);
        Assert.Contains("Error from server (Conflict): error when replacing \"STDIN\": Operation cannot be fulfilled on leases.coordination.k8s.io \"redeploy-lock\": the object has been modified; please apply your changes to the latest version and try again", stale.StandardError);

        var fresh = await cluster.KubectlJsonAsync("get", "lease", "redeploy-lock");
        fresh["spec"]!["holderIdentity"] = "bob";
        fresh["spec"]!["leaseTransitions"] = 1;
        Assert.Contains("lease.coordination.k8s.io/redeploy-lock replaced", (await cluster.KubectlWithInputAsync(fresh.ToJsonString(), "replace", "-f", "-")).StandardOutput);
        var taken = await cluster.KubectlJsonAsync("get", "lease", "redeploy-lock");
        Assert.Equal("bob", taken["spec"]!["holderIdentity"]!.GetValue<string>());
        Assert.Equal(1, taken["spec"]!["leaseTransitions"]!.GetValue<int>());
        Assert.NotEqual(fresh["metadata"]!["resourceVersion"]!.GetValue<string>(), taken["metadata"]!["resourceVersion"]!.GetValue<string>());
    }

    [SkippableFact]
    public async Task A_put_without_a_resource_version_is_refused_and_a_put_to_a_new_name_creates_it()
    {
        await using var cluster = await TestCluster.StartAsync();
        var body = (JsonObject)JsonNode.Parse(LeaseJson("alice"))!;
        var created = await cluster.KubectlAsync("replace", "--raw", Path, "-f", cluster.Manifest("put.json", body.ToJsonString()));
        Assert.True(created.ExitCode == 0, created.ToString());
        Assert.Equal("alice", cluster.Sim.GetLease("default", "redeploy-lock")!["spec"]!["holderIdentity"]!.GetValue<string>());

        var unconditional = await cluster.KubectlAsync("replace", "--raw", Path, "-f", cluster.Manifest("put2.json", body.ToJsonString()));
        Assert.Equal(1, unconditional.ExitCode);
        // kubectl words an Invalid status by its details (kind "leases", as the generic store names the resource) and causes.
        Assert.Contains("The leases \"redeploy-lock\" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update", unconditional.StandardError);
    }

    [SkippableFact]
    public async Task Delete_preconditions_that_do_not_match_are_a_conflict_and_matching_ones_delete()
    {
        await using var cluster = await TestCluster.StartAsync();
        await cluster.KubectlOkAsync("create", "-f", cluster.Manifest("lease.yaml", Lease("alice")));
        var lease = await cluster.KubectlJsonAsync("get", "lease", "redeploy-lock");
        var version = lease["metadata"]!["resourceVersion"]!.GetValue<string>();
        var uid = lease["metadata"]!["uid"]!.GetValue<string>();

        var staleVersion = await cluster.KubectlAsync("delete", "--raw", Path, "-f", cluster.Manifest("stale.json", Preconditions(resourceVersion: "1")));
        Assert.Equal(1, staleVersion.ExitCode);
        Assert.Contains($"Error from server (Conflict): Operation cannot be fulfilled on Lease.coordination.k8s.io \"redeploy-lock\": the ResourceVersion in the precondition (1) does not match the ResourceVersion in record ({version}). The object might have been modified", staleVersion.StandardError);

        var otherUid = await cluster.KubectlAsync("delete", "--raw", Path, "-f", cluster.Manifest("uid.json", Preconditions(uid: "00000000-0000-0000-0000-000000000000")));
        Assert.Equal(1, otherUid.ExitCode);
        Assert.Contains($"the UID in the precondition (00000000-0000-0000-0000-000000000000) does not match the UID in record ({uid}). The object might have been deleted and then recreated", otherUid.StandardError);
        Assert.NotNull(cluster.Sim.GetLease("default", "redeploy-lock"));

        var deleted = await cluster.KubectlAsync("delete", "--raw", Path, "-f", cluster.Manifest("ok.json", Preconditions(resourceVersion: version, uid: uid)));
        Assert.True(deleted.ExitCode == 0, deleted.ToString());
        var status = JsonNode.Parse(deleted.StandardOutput)!;
        Assert.Equal("Success", status["status"]!.GetValue<string>());
        Assert.Equal("leases", status["details"]!["kind"]!.GetValue<string>());
        Assert.Null(cluster.Sim.GetLease("default", "redeploy-lock"));
    }

    [SkippableFact]
    public async Task Lease_times_must_be_micro_times_and_durations_positive()
    {
        await using var cluster = await TestCluster.StartAsync();

        var seconds = await cluster.KubectlAsync("create", "-f", cluster.Manifest("seconds.yaml", Lease("alice", renewTime: "2026-03-01T10:00:00Z")));
        Assert.Equal(1, seconds.ExitCode);
        Assert.Contains("Lease in version \"v1\" cannot be handled as a Lease: parsing time \"2026-03-01T10:00:00Z\" as \"2006-01-02T15:04:05.000000Z07:00\": cannot parse \"Z\" as \".000000\"", seconds.StandardError);

        var zero = await cluster.KubectlAsync("create", "-f", cluster.Manifest("zero.yaml", Lease("alice", duration: 0)));
        Assert.Equal(1, zero.ExitCode);
        Assert.Contains("The Lease \"redeploy-lock\" is invalid: spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0", zero.StandardError);
    }

    [SkippableFact]
    public async Task A_lease_watch_sees_each_renewal()
    {
        await using var cluster = await TestCluster.StartAsync();
        await cluster.KubectlOkAsync("create", "-f", cluster.Manifest("lease.yaml", Lease("alice")));
        await using var watch = cluster.KubectlInBackground("get", "leases", "--watch", "-o", "json", "--output-watch-events", "--request-timeout=0");
        await watch.WaitForAsync(o => o.Contains("\"ADDED\"", StringComparison.Ordinal), TimeSpan.FromSeconds(15), "the lease in the watch");

        await cluster.KubectlOkAsync("patch", "lease", "redeploy-lock", "--type=merge", "-p", "{\"spec\":{\"renewTime\":\"2026-03-01T10:00:10.000000Z\"}}");
        await watch.WaitForAsync(o => o.Contains("\"MODIFIED\"", StringComparison.Ordinal) && o.Contains("2026-03-01T10:00:10.000000Z", StringComparison.Ordinal),
            TimeSpan.FromSeconds(5), "the renewal in the watch");
    }

    private static string Lease(string holder, string renewTime = "2026-03-01T10:00:00.000000Z", int duration = 30) => $"""
        apiVersion: coordination.k8s.io/v1
        kind: Lease
        metadata:
          name: redeploy-lock
          namespace: default
        spec:
          holderIdentity: "{holder}"
          leaseDurationSeconds: {duration}
          acquireTime: "2026-03-01T09:59:00.000000Z"
          renewTime: "{renewTime}"
          leaseTransitions: 0

        """;

    private static string LeaseJson(string holder) =>
        $$$"""{"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"redeploy-lock","namespace":"default"},"spec":{"holderIdentity":"{{{holder}}}","leaseDurationSeconds":30,"acquireTime":"2026-03-01T09:59:00.000000Z","renewTime":"2026-03-01T10:00:00.000000Z","leaseTransitions":0}}""";

    private static string Preconditions(string? resourceVersion = null, string? uid = null)
    {
        var preconditions = new JsonObject();
        if (resourceVersion is not null)
        {
            preconditions["resourceVersion"] = resourceVersion;
        }

        if (uid is not null)
        {
            preconditions["uid"] = uid;
        }

        return new JsonObject { ["kind"] = "DeleteOptions", ["apiVersion"] = "v1", ["preconditions"] = preconditions }.ToJsonString();
    }
}
