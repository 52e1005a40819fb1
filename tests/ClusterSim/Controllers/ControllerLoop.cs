using ClusterSim.Node;
using ClusterSim.Store;

namespace ClusterSim.Controllers;

/// <summary>
/// Runs the controllers (deployment, replica set, scheduler, kubelet, garbage collector) on one background task: after every
/// change to the store or the node's images, and every 50 ms for time-based transitions. A pass repeats while it
/// changes something, so a chain (new template, ReplicaSet, pod, status) settles quickly.
/// </summary>
internal sealed class ControllerLoop : IAsyncDisposable
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(50);

    private readonly ObjectStore store;
    private readonly DeploymentController deployments;
    private readonly ReplicaSetController replicaSets;
    private readonly Scheduler scheduler;
    private readonly Kubelet kubelet;
    private readonly GarbageCollector garbageCollector;
    private readonly SemaphoreSlim wake = new(0, 1);
    private readonly CancellationTokenSource stop = new();
    private readonly List<string> errors = [];
    private Task? loop;
    private volatile bool paused;

    public ControllerLoop(ObjectStore store, INodeEngine docker, DeploymentController deployments, ReplicaSetController replicaSets, Scheduler scheduler, Kubelet kubelet, GarbageCollector garbageCollector)
    {
        this.store = store;
        this.deployments = deployments;
        this.replicaSets = replicaSets;
        this.scheduler = scheduler;
        this.kubelet = kubelet;
        this.garbageCollector = garbageCollector;
        store.Changed += Wake;
        docker.Changed += Wake;
    }

    /// <summary>While paused (the profile is stopped) nothing reconciles.</summary>
    public bool Paused
    {
        get => paused;
        set
        {
            paused = value;
            Wake();
        }
    }

    /// <summary>Exceptions the controllers threw (a simulation bug): tests can assert there are none.</summary>
    public IReadOnlyList<string> Errors
    {
        get
        {
            lock (errors)
            {
                return errors.ToList();
            }
        }
    }

    public void Start() => loop = Task.Run(RunAsync);

    private void Wake()
    {
        try
        {
            wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled.
        }
    }

    private async Task RunAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await wake.WaitAsync(Tick, stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            for (var pass = 0; pass < 10 && !paused; pass++)
            {
                var before = store.Version;
                RunOnce(DateTimeOffset.UtcNow);
                if (store.Version == before)
                {
                    break;
                }
            }
        }
    }

    private void RunOnce(DateTimeOffset now)
    {
        try
        {
            deployments.Sync(now);
            replicaSets.Sync(now);
            scheduler.Sync(now);
            kubelet.Sync(now);
            garbageCollector.Sync();
        }
        catch (Api.ApiException notFound) when (notFound.Code == 404)
        {
            // An object was deleted between a controller's read and its write (kubectl delete raced the sync). A real
            // controller gets the same NotFound, drops the work item and finds the object gone on the next pass.
        }
        catch (Exception e)
        {
            lock (errors)
            {
                errors.Add(e.ToString());
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        store.Changed -= Wake;
        await stop.CancelAsync();
        if (loop is not null)
        {
            await loop;
        }
    }
}
