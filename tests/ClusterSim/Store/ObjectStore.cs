using System.Text.Json.Nodes;
using System.Threading.Channels;
using ClusterSim.Api;

namespace ClusterSim.Store;

/// <summary>One entry of a watch stream.</summary>
internal sealed record WatchEvent(string Type, JsonObject Object);

/// <summary>
/// The cluster's object storage (what etcd is to the real API server): objects by resource, namespace and name,
/// one global resourceVersion counter, a bounded change history so watches can resume from a resourceVersion,
/// and live watchers. Stored objects are never mutated in place: readers get clones.
/// </summary>
internal sealed class ObjectStore
{
    private const int HistoryLimit = 20_000;

    private readonly object gate = new();
    private readonly Dictionary<ResourceType, Dictionary<(string Namespace, string Name), JsonObject>> objects = [];
    private readonly Queue<Change> history = new();
    private readonly List<Watcher> watchers = [];
    private long version = 1000;
    private long forgottenThrough = 1000;

    /// <summary>Raised (outside the store lock) after every change.</summary>
    public event Action? Changed;

    public long Version
    {
        get
        {
            lock (gate)
            {
                return version;
            }
        }
    }

    public JsonObject? Get(ResourceType type, string ns, string name)
    {
        lock (gate)
        {
            return Table(type).TryGetValue((ns, name), out var obj) ? obj.Clone() : null;
        }
    }

    public List<JsonObject> List(ResourceType type, string? ns = null) => ListWithVersion(type, ns).Items;

    public (List<JsonObject> Items, long Version) ListWithVersion(ResourceType type, string? ns)
    {
        lock (gate)
        {
            var items = Table(type).Where(p => ns is null || p.Key.Namespace == ns)
                .OrderBy(p => p.Key.Namespace, StringComparer.Ordinal).ThenBy(p => p.Key.Name, StringComparer.Ordinal)
                .Select(p => p.Value.Clone()).ToList();
            return (items, version);
        }
    }

    /// <summary>Stores a new object, filling in uid, creationTimestamp, generation and resourceVersion.</summary>
    public JsonObject Create(ResourceType type, JsonObject obj)
    {
        JsonObject stored;
        lock (gate)
        {
            var key = (Meta.Namespace(obj), Meta.Name(obj));
            var table = Table(type);
            if (table.ContainsKey(key))
            {
                throw ApiException.AlreadyExists(type, key.Item2);
            }

            stored = obj.Clone();
            stored["apiVersion"] = type.GroupVersion;
            stored["kind"] = type.Kind;
            var meta = Meta.Of(stored);
            meta["uid"] ??= Guid.NewGuid().ToString();
            meta["creationTimestamp"] ??= Json.Time(DateTimeOffset.UtcNow);
            if (type.TracksGeneration)
            {
                meta["generation"] = 1;
            }

            meta["resourceVersion"] = (++version).ToString();
            stored = stored.Frozen();
            table[key] = stored;
            Publish(new Change(type, version, "ADDED", null, stored));
        }

        Changed?.Invoke();
        return stored.Clone();
    }

    /// <summary>
    /// Read-modify-write under the store lock: <paramref name="change"/> gets a copy of the current object and
    /// returns the new one. Identity fields are kept, generation is bumped when the spec changed, and an update that
    /// changes nothing keeps the resourceVersion (as the real server does).
    /// </summary>
    public JsonObject Update(ResourceType type, string ns, string name, Func<JsonObject, JsonObject> change)
    {
        JsonObject stored;
        lock (gate)
        {
            var table = Table(type);
            if (!table.TryGetValue((ns, name), out var current))
            {
                throw ApiException.NotFound(type, name);
            }

            var updated = change(current.Clone());
            var meta = Meta.Of(updated);
            var oldMeta = Meta.Of(current);
            updated["apiVersion"] = type.GroupVersion;
            updated["kind"] = type.Kind;
            meta["name"] = name;
            if (ns.Length > 0)
            {
                meta["namespace"] = ns;
            }

            meta["uid"] = oldMeta["uid"]?.DeepClone();
            meta["creationTimestamp"] = oldMeta["creationTimestamp"]?.DeepClone();
            if (oldMeta["generation"] is { } generation)
            {
                meta["generation"] = generation.DeepClone();
            }
            else
            {
                meta.Remove("generation");
            }

            meta["resourceVersion"] = oldMeta["resourceVersion"]?.DeepClone();
            if (JsonNode.DeepEquals(updated, current))
            {
                return current.Clone();
            }

            if (type.TracksGeneration && !JsonNode.DeepEquals(updated["spec"], current["spec"]))
            {
                meta["generation"] = Meta.Generation(current) + 1;
            }

            meta["resourceVersion"] = (++version).ToString();
            stored = updated.Frozen();
            table[(ns, name)] = stored;
            Publish(new Change(type, version, "MODIFIED", current, stored));
        }

        Changed?.Invoke();
        return stored.Clone();
    }

    /// <summary>Removes the object (when it still meets <paramref name="preconditions"/>); returns its last state, or null when it did not exist.</summary>
    public JsonObject? Delete(ResourceType type, string ns, string name, Preconditions? preconditions = null)
    {
        JsonObject removed;
        lock (gate)
        {
            var table = Table(type);
            if (!table.TryGetValue((ns, name), out var current))
            {
                return null;
            }

            preconditions?.CheckInStorage(type, current);
            table.Remove((ns, name));

            var last = current.Clone();
            Meta.Of(last)["resourceVersion"] = (++version).ToString();
            removed = last.Frozen();
            Publish(new Change(type, version, "DELETED", current, removed));
        }

        Changed?.Invoke();
        return removed.Clone();
    }

    /// <summary>
    /// Starts a watch. Without <paramref name="sinceVersion"/> (or with 0) the current matching objects arrive first as
    /// ADDED events; otherwise the retained changes after that version are replayed. A version older than the retained
    /// history is refused with 410 Gone, as after an etcd compaction.
    /// </summary>
    public Watcher Watch(ResourceType type, string? ns, Func<JsonObject, bool> filter, long? sinceVersion)
    {
        lock (gate)
        {
            var watcher = new Watcher(this, type, ns, filter);
            if (sinceVersion is null or 0)
            {
                foreach (var obj in Table(type).Values.Where(o => ns is null || Meta.Namespace(o) == ns))
                {
                    watcher.Offer(new Change(type, version, "ADDED", null, obj));
                }
            }
            else
            {
                if (sinceVersion < forgottenThrough)
                {
                    throw ApiException.Gone($"too old resource version: {sinceVersion} ({forgottenThrough + 1})");
                }

                foreach (var change in history.Where(c => c.Version > sinceVersion))
                {
                    watcher.Offer(change);
                }
            }

            watchers.Add(watcher);
            return watcher;
        }
    }

    internal void Unregister(Watcher watcher)
    {
        lock (gate)
        {
            watchers.Remove(watcher);
        }
    }

    /// <summary>Ends every watch (server shutdown).</summary>
    public void CloseWatches()
    {
        lock (gate)
        {
            foreach (var watcher in watchers.ToList())
            {
                watcher.Complete();
            }

            watchers.Clear();
        }
    }

    private Dictionary<(string Namespace, string Name), JsonObject> Table(ResourceType type)
    {
        if (!objects.TryGetValue(type, out var table))
        {
            table = [];
            objects[type] = table;
        }

        return table;
    }

    private void Publish(Change change)
    {
        history.Enqueue(change);
        while (history.Count > HistoryLimit)
        {
            forgottenThrough = history.Dequeue().Version;
        }

        foreach (var watcher in watchers)
        {
            watcher.Offer(change);
        }
    }
}

/// <summary>A stored change: the object before (null for ADDED) and after (the last state for DELETED).</summary>
internal sealed record Change(ResourceType Type, long Version, string Kind, JsonObject? Old, JsonObject New);

/// <summary>A live watch: the events for one resource (and namespace) whose objects match a selector.</summary>
internal sealed class Watcher : IDisposable
{
    private readonly Channel<WatchEvent> channel = Channel.CreateUnbounded<WatchEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ObjectStore store;
    private readonly ResourceType type;
    private readonly string? ns;
    private readonly Func<JsonObject, bool> filter;

    internal Watcher(ObjectStore store, ResourceType type, string? ns, Func<JsonObject, bool> filter)
    {
        this.store = store;
        this.type = type;
        this.ns = ns;
        this.filter = filter;
    }

    public ChannelReader<WatchEvent> Events => channel.Reader;

    /// <summary>
    /// Translates a change for this watcher's selector: an object that starts matching is ADDED, one that stops
    /// matching is DELETED, as the real watch cache does.
    /// </summary>
    internal void Offer(Change change)
    {
        if (change.Type != type || (ns is not null && Meta.Namespace(change.New) != ns))
        {
            return;
        }

        var matchesNow = filter(change.New);
        var matchedBefore = change.Old is not null && filter(change.Old);
        var kind = change.Kind switch
        {
            "DELETED" => matchedBefore || matchesNow ? "DELETED" : null,
            "ADDED" => matchesNow ? "ADDED" : null,
            _ => (matchedBefore, matchesNow) switch
            {
                (true, true) => "MODIFIED",
                (false, true) => "ADDED",
                (true, false) => "DELETED",
                _ => null,
            },
        };
        if (kind is not null)
        {
            channel.Writer.TryWrite(new WatchEvent(kind, change.New));
        }
    }

    internal void Complete() => channel.Writer.TryComplete();

    public void Dispose()
    {
        store.Unregister(this);
        Complete();
    }
}
