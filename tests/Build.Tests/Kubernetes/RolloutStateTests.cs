using System.Text.Json.Nodes;
using Build.Kubernetes;
using Xunit;

namespace Build.Tests.Kubernetes;

/// <summary>A deployment's rollout is judged as kubectl rollout status judges it.</summary>
public sealed class RolloutStateTests
{
    private static JsonNode Deployment(long generation, long observed, int? replicas, int updated, int current, int available, string? progressing = null) =>
        JsonNode.Parse($$"""
            {
              "metadata": { "name": "bot", "generation": {{generation}} },
              "spec": { {{(replicas is null ? "" : $"\"replicas\": {replicas}")}} },
              "status": {
                "observedGeneration": {{observed}}, "updatedReplicas": {{updated}}, "replicas": {{current}}, "availableReplicas": {{available}},
                "conditions": [ { "type": "Progressing", "status": "True", "reason": "{{progressing ?? "ReplicaSetUpdated"}}" } ]
              }
            }
            """)!;

    [Fact]
    public void A_spec_change_the_controller_has_not_seen_yet_is_waiting()
    {
        var state = RolloutState.Of(Deployment(3, 2, 1, 1, 1, 1));

        Assert.Equal(RolloutPhase.Waiting, state.Phase);
        Assert.Equal("Waiting for deployment spec update to be observed...", state.Message);
    }

    [Fact]
    public void A_progress_deadline_is_a_failure()
    {
        var state = RolloutState.Of(Deployment(2, 2, 1, 1, 2, 0, "ProgressDeadlineExceeded"));

        Assert.Equal(RolloutPhase.Failed, state.Phase);
        Assert.Equal("deployment \"bot\" exceeded its progress deadline", state.Message);
    }

    [Theory]
    [InlineData(3, 1, 3, 3, "1 out of 3 new replicas have been updated")]
    [InlineData(2, 2, 3, 2, "1 old replicas are pending termination")]
    [InlineData(2, 2, 2, 1, "1 of 2 updated replicas are available")]
    public void An_unfinished_rollout_waits_with_kubectls_words(int replicas, int updated, int current, int available, string words)
    {
        var state = RolloutState.Of(Deployment(2, 2, replicas, updated, current, available));

        Assert.Equal(RolloutPhase.Waiting, state.Phase);
        Assert.Contains(words, state.Message);
    }

    [Fact]
    public void All_replicas_updated_and_available_is_complete()
    {
        var state = RolloutState.Of(Deployment(2, 2, 2, 2, 2, 2));

        Assert.Equal(RolloutPhase.Complete, state.Phase);
        Assert.Equal("deployment \"bot\" successfully rolled out", state.Message);
    }
}
