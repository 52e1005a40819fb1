using System.Text.Json.Nodes;
using ClusterSim.Patching;
using Xunit;

namespace ClusterSim.Tests;

/// <summary>The three patch types, on the patches kubectl really sends.</summary>
public sealed class PatchingTests
{
    private static readonly JsonObject Deployment = Json.ParseObject("""
        {"metadata":{"name":"bot","annotations":{"keep":"1","drop":"2"}},
         "spec":{"replicas":1,"template":{"metadata":{"labels":{"app":"bot"}},"spec":{
           "containers":[
             {"name":"bot","image":"bot:1","env":[{"name":"A","value":"1"},{"name":"B","value":"2"}],"ports":[{"containerPort":80,"protocol":"TCP"}]},
             {"name":"sidecar","image":"side:1"}],
           "finalizers":["a"]}}}}
        """);

    [Fact]
    public void Set_image_merges_containers_by_name_and_keeps_their_order()
    {
        var patch = Json.ParseObject("""
            {"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"bot"},{"name":"sidecar"}],"containers":[{"image":"bot:2","name":"bot"}]}}}}
            """);
        var result = StrategicMerge.Apply(Deployment, patch);
        var containers = result["spec"]!["template"]!["spec"]!["containers"]!.AsArray();
        Assert.Equal(["bot", "sidecar"], containers.Select(c => c!["name"]!.GetValue<string>()));
        Assert.Equal("bot:2", containers[0]!["image"]!.GetValue<string>());
        Assert.Equal(2, containers[0]!["env"]!.AsArray().Count);
        Assert.Equal("side:1", containers[1]!["image"]!.GetValue<string>());
    }

    [Fact]
    public void Directives_delete_replace_and_null_remove_what_they_name()
    {
        var patch = Json.ParseObject("""
            {"metadata":{"annotations":{"drop":null,"restartedAt":"now"}},
             "spec":{"template":{"spec":{"containers":[
               {"name":"bot","env":[{"$patch":"delete","name":"A"},{"name":"C","value":"3"}],"ports":[{"containerPort":8080}]},
               {"$patch":"delete","name":"sidecar"}]}}}}
            """);
        var result = StrategicMerge.Apply(Deployment, patch);
        Assert.Equal("""{"keep":"1","restartedAt":"now"}""", Json.Canonical(result["metadata"]!["annotations"]));
        var bot = Assert.Single(result["spec"]!["template"]!["spec"]!["containers"]!.AsArray())!;
        Assert.Equal(["B", "C"], bot["env"]!.AsArray().Select(e => e!["name"]!.GetValue<string>()));
        Assert.Equal([80, 8080], bot["ports"]!.AsArray().Select(p => p!["containerPort"]!.GetValue<int>()));

        var replaced = StrategicMerge.Apply(Deployment, Json.ParseObject("""{"spec":{"template":{"metadata":{"$patch":"replace","labels":{"tier":"web"}}}}}"""));
        Assert.Equal("""{"labels":{"tier":"web"}}""", Json.Canonical(replaced["spec"]!["template"]!["metadata"]));
    }

    [Fact]
    public void Primitive_merge_lists_are_unions_and_other_lists_are_replaced()
    {
        // A union keeps what the object had ("a") and adds what it lacks: a replace would give ["b", "a"] or ["b"].
        var patch = Json.ParseObject("""{"spec":{"template":{"spec":{"finalizers":["b","a"],"containers":[{"name":"bot","args":["x"]}]}}}}""");
        var merged = StrategicMerge.Apply(Deployment, patch);
        var spec = merged["spec"]!["template"]!["spec"]!;
        Assert.Equal(["a", "b"], spec["finalizers"]!.AsArray().Select(f => f!.GetValue<string>()));
        Assert.Equal(["x"], spec["containers"]![0]!["args"]!.AsArray().Select(a => a!.GetValue<string>()));

        // $deleteFromPrimitiveList takes out only what it names; the rest of the union stays.
        var delete = Json.ParseObject("""{"spec":{"template":{"spec":{"finalizers":["c"],"$deleteFromPrimitiveList/finalizers":["a"]}}}}""");
        var afterDelete = StrategicMerge.Apply(merged, delete)["spec"]!["template"]!["spec"]!;
        Assert.Equal(["b", "c"], afterDelete["finalizers"]!.AsArray().Select(f => f!.GetValue<string>()));
    }

    [Fact]
    public void Json_patch_replaces_the_template_the_way_rollout_undo_sends_it()
    {
        var patch = JsonNode.Parse("""
            [{"op":"replace","path":"/spec/template","value":{"spec":{"containers":[{"name":"bot","image":"bot:0"}]}}},
             {"op":"add","path":"/metadata/annotations/a~1b","value":"x"},
             {"op":"remove","path":"/metadata/annotations/drop"},
             {"op":"test","path":"/spec/replicas","value":1}]
            """);
        var result = JsonPatch.Apply(Deployment, patch);
        Assert.Equal("bot:0", result["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!.GetValue<string>());
        Assert.Equal("""{"a/b":"x","keep":"1"}""", Json.Canonical(result["metadata"]!["annotations"]));

        var failing = JsonNode.Parse("""[{"op":"test","path":"/spec/replicas","value":5}]""");
        Assert.Equal(422, Assert.Throws<Api.ApiException>(() => JsonPatch.Apply(Deployment, failing)).Code);
    }

    [Fact]
    public void Merge_patch_replaces_lists_and_deletes_nulls()
    {
        var result = (JsonObject)MergePatch.Apply(Deployment, JsonNode.Parse("""{"spec":{"replicas":3,"template":{"spec":{"containers":[{"name":"only"}]}}},"metadata":{"annotations":null}}"""))!;
        Assert.Equal(3, result["spec"]!["replicas"]!.GetValue<int>());
        Assert.Single(result["spec"]!["template"]!["spec"]!["containers"]!.AsArray());
        Assert.Null(result["metadata"]!["annotations"]);
    }
}
