using System.Text.Json.Nodes;
using ClusterSim.Api;
using ClusterSim.Store;
using Xunit;

namespace ClusterSim.Tests;

/// <summary>The object store's own checks, without a server or a client.</summary>
public sealed class StoreTests
{
    [Fact]
    public void A_delete_whose_preconditions_no_longer_hold_in_the_transaction_gets_the_storage_layers_conflict()
    {
        var store = new ObjectStore();
        var lease = store.Create(ResourceTypes.Leases, new JsonObject { ["metadata"] = new JsonObject { ["name"] = "lock", ["namespace"] = "default" } });
        var read = lease["metadata"]!["resourceVersion"]!.GetValue<string>();
        store.Update(ResourceTypes.Leases, "default", "lock", l =>
        {
            l.Child("spec")["holderIdentity"] = "bob";
            return l;
        });

        // The object changed after the handler's early check: only the check inside the transaction sees it.
        var conflict = Assert.Throws<ApiException>(() => store.Delete(ResourceTypes.Leases, "default", "lock", new Preconditions(null, read)));
        Assert.Equal(409, conflict.Code);
        var now = store.Get(ResourceTypes.Leases, "default", "lock")!["metadata"]!["resourceVersion"]!.GetValue<string>();
        Assert.Equal(
            $"Operation cannot be fulfilled on leases.coordination.k8s.io \"lock\": StorageError: invalid object, Code: 4, Key: /registry/leases/default/lock, ResourceVersion: 0, AdditionalErrorMsg: Precondition failed: ResourceVersion in precondition: {read}, ResourceVersion in object meta: {now}",
            conflict.Message);
        Assert.NotNull(store.Delete(ResourceTypes.Leases, "default", "lock", new Preconditions(null, now)));
    }
}
