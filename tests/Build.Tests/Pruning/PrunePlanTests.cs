using System.Text.Json.Nodes;
using Build.Docker;
using Build.Pruning;
using Xunit;

namespace Build.Tests.Pruning;

/// <summary>Which tags go, from plain values: the newest N stay, what the cluster uses stays, tags the build did not make are never candidates.</summary>
public sealed class PrunePlanTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static ImageId Id(int n) => ImageId.Parse(n.ToString("x2") + new string('0', 62));

    /// <summary>bot's image number <paramref name="n"/>, made n minutes after the start, tagged as the build tags it.</summary>
    private static StoredTag Ours(int n, string repository = "coinpilot-bot") =>
        new(repository, Id(n).Tag, Id(n)) { Created = Start.AddMinutes(n), Size = 1000 };

    private static IReadOnlyList<string> Removed(IEnumerable<PruneDecision> decisions) => decisions.Where(d => d.Remove).Select(d => d.Image.Reference).ToList();

    [Fact]
    public void The_newest_n_of_each_repository_stay_and_the_older_go()
    {
        var tags = Enumerable.Range(1, 6).Select(n => Ours(n)).Append(Ours(7, "coinpilot-dashboard")).ToList();

        var decisions = PrunePlan.Decide(tags, keep: 3, InUse.Nothing);

        Assert.Equal([Ours(1).Reference, Ours(2).Reference, Ours(3).Reference], Removed(decisions).Order());
        Assert.All(decisions.Where(d => !d.Remove), d => Assert.Equal("one of the newest 3", d.Why));
    }

    [Fact]
    public void A_tag_the_build_did_not_make_is_never_removed()
    {
        var tags = new[]
        {
            Ours(1), Ours(2), Ours(3),
            new StoredTag("coinpilot-bot", "latest", Id(3)) { Created = Start },
            new StoredTag("coinpilot-bot", "mine", Id(0x10)) { Created = Start },
            new StoredTag("coinpilot-bot", Id(2).Tag, Id(0x11)) { Created = Start }, // an id- tag moved onto another image
        };

        var decisions = PrunePlan.Decide(tags, keep: 1, InUse.Nothing);

        Assert.Equal([Ours(1).Reference, Ours(2).Reference], Removed(decisions).Order());
        Assert.Contains(decisions, d => d.Image.Tag == "mine" && !d.Remove && d.Why == "not an id- tag of this build");
        Assert.Contains(decisions, d => d.Image.Id == Id(0x11) && !d.Remove && d.Why.Contains("names another image", StringComparison.Ordinal));
    }

    [Fact]
    public void What_the_cluster_uses_stays_and_says_why()
    {
        var cluster = JsonNode.Parse($$"""
            { "items": [
              { "kind": "Deployment", "metadata": { "name": "bot" }, "spec": { "template": { "spec": { "containers": [ { "image": "coinpilot-bot:{{Id(6).Tag}}" } ] } } } },
              { "kind": "ReplicaSet", "metadata": { "name": "bot-a", "annotations": { "deployment.kubernetes.io/revision": "9" }, "ownerReferences": [ { "kind": "Deployment", "name": "bot" } ] },
                "spec": { "template": { "spec": { "containers": [ { "image": "coinpilot-bot:{{Id(6).Tag}}" } ] } } } },
              { "kind": "ReplicaSet", "metadata": { "name": "bot-b", "annotations": { "deployment.kubernetes.io/revision": "8" }, "ownerReferences": [ { "kind": "Deployment", "name": "bot" } ] },
                "spec": { "template": { "spec": { "containers": [ { "image": "coinpilot-bot:{{Id(2).Tag}}" } ] } } } },
              { "kind": "ReplicaSet", "metadata": { "name": "bot-c", "annotations": { "deployment.kubernetes.io/revision": "7" }, "ownerReferences": [ { "kind": "Deployment", "name": "bot" } ] },
                "spec": { "template": { "spec": { "containers": [ { "image": "coinpilot-bot:{{Id(3).Tag}}" } ] } } } },
              { "kind": "Pod", "metadata": { "name": "stray" }, "spec": { "containers": [ { "image": "docker.io/library/coinpilot-bot:{{Id(1).Tag}}" } ] },
                "status": { "containerStatuses": [ { "imageID": "docker://{{Id(1)}}" } ] } }
            ] }
            """);
        var tags = Enumerable.Range(1, 6).Select(n => Ours(n)).ToList();

        var decisions = PrunePlan.Decide(tags, keep: 1, InUse.From(cluster));

        Assert.Equal([Ours(3).Reference, Ours(4).Reference, Ours(5).Reference], Removed(decisions).Order()); // revision 7 is not one undo goes back to
        Assert.Equal("deployment/bot revision 8 (rollout undo target)", decisions.Single(d => d.Image == Ours(2)).Why);
        Assert.Equal("pod stray uses it; pod stray runs it", decisions.Single(d => d.Image == Ours(1)).Why);
        Assert.Equal("one of the newest 1; deployment/bot's pod template; deployment/bot revision 9 (current)", decisions.Single(d => d.Image == Ours(6)).Why);
    }

    [Fact]
    public void A_pulled_image_is_recognised_by_its_manifest_digest()
    {
        var cluster = JsonNode.Parse("""{ "items": [ { "kind": "Pod", "metadata": { "name": "bot-1" }, "spec": { "containers": [] }, "status": { "containerStatuses": [ { "imageID": "docker-pullable://127.0.0.1:5000/team/bot@sha256:abc" } ] } } ] }""");
        var pulled = Ours(1, "127.0.0.1:5000/team/bot") with { Digest = "sha256:abc", RemovalTakesOtherTags = true };

        var decisions = PrunePlan.Decide([pulled, Ours(2, "127.0.0.1:5000/team/bot")], keep: 1, InUse.From(cluster));

        Assert.Empty(Removed(decisions));
    }

    [Fact]
    public void In_a_registry_a_tag_whose_manifest_a_kept_tag_shares_stays()
    {
        StoredTag InRegistry(StoredTag tag) => tag with { Digest = "sha256:" + tag.Id!.Value.Hex, RemovalTakesOtherTags = true };
        var old = InRegistry(Ours(1));
        var users = InRegistry(new StoredTag("coinpilot-bot", "release", Id(1)));

        var decisions = PrunePlan.Decide([old, users, InRegistry(Ours(2))], keep: 1, InUse.Nothing);

        Assert.Empty(Removed(decisions));
        Assert.Equal("its manifest is also tag release, which stays", decisions.Single(d => d.Image == old).Why);
    }

    [Fact]
    public void Only_an_image_left_without_tags_frees_its_bytes()
    {
        var alone = Ours(1);
        var alsoTaggedByTheUser = Ours(2) with { OtherTags = ["coinpilot-bot:mine"] };

        Assert.Equal(1000, PrunePlan.Frees([alone, alsoTaggedByTheUser]));
        Assert.Equal("1.23MB", PrunePlan.Bytes(1_234_567));
        Assert.Equal("999B", PrunePlan.Bytes(999));
    }
}
