using AdmmNn.Tensors.Autograd;
using AdmmNn.Tensors.Parallelism;
using AdmmNn.Tensors.Tests.Training;

namespace AdmmNn.Tensors.Tests.Core;

/// <summary><see cref="ExecutionState.PrepareGradients"/>: owned gradient buffers zeroed (in parallel chunks), others left alone.</summary>
[Collection(WorkersCollection.Name)]
public sealed class ExecutionStateTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Owned_gradients_are_zeroed_across_chunk_boundaries_and_others_kept(int threads)
    {
        int saved = Workers.Threads;
        Workers.Threads = threads;
        try
        {
            // Sizes around the 65,536-float chunk: buffers that start and end inside chunks and span several.
            int[] sizes = [5, 70_000, 1, 65_531, 0, 200_003, 17];
            var state = new ExecutionState(sizes.Length + 1);
            for (int i = 0; i < sizes.Length; i++)
            {
                state.Values[i] = new Tensor([sizes[i]]);
                state.NeedsGrad[i] = state.OwnsGrad[i] = true;
                state.Grads[i] = new Tensor(Enumerable.Repeat(3f, sizes[i]).ToArray(), [sizes[i]]);
            }

            // A parameter's gradient (not owned) and one whose shape changed (reallocated, zero).
            int last = sizes.Length;
            state.Values[last] = new Tensor([4]);
            state.NeedsGrad[last] = true;
            state.Grads[last] = new Tensor([1f, 2f, 3f, 4f], [4]);
            state.Values[1] = new Tensor([70_001]);
            for (int round = 0; round < 2; round++)
            {
                state.PrepareGradients();
                for (int i = 0; i < sizes.Length; i++)
                {
                    Assert.Equal(state.Values[i]!.Size, state.Grads[i]!.Size);
                    Assert.All(state.Grads[i]!.ToArray(), v => Assert.Equal(0f, v));
                    state.Grads[i]!.AsSpan().Fill(-1f);
                }

                Assert.Equal([1f, 2f, 3f, 4f], state.Grads[last]!.ToArray());
            }
        }
        finally
        {
            Workers.Threads = saved;
        }
    }
}
