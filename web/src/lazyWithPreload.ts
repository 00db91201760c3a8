// React.lazy with a preload() to start a chunk's download early: a page whose chunk is already
// there renders at once instead of suspending. Suspending costs more than the download: React
// holds a revealed Suspense boundary back for up to 300 ms, and the page's data requests only
// start once it has rendered.
import { createElement, lazy, type ComponentType } from "react";

export type PreloadableComponent<P extends object> = ComponentType<P> & {
  /** Start loading the chunk (once); resolves when the component can render without suspending. */
  preload: () => Promise<void>;
};

export function lazyWithPreload<P extends object>(
  load: () => Promise<{ default: ComponentType<P> }>,
): PreloadableComponent<P> {
  let loaded: ComponentType<P> | undefined;
  let loading: Promise<ComponentType<P>> | undefined;
  const fetchOnce = () =>
    (loading ??= load().then((module) => {
      loaded = module.default;
      return module.default;
    }));
  const Lazy = lazy(async () => ({ default: await fetchOnce() }));
  function Preloadable(props: P) {
    return createElement((loaded ?? Lazy) as ComponentType<P>, props);
  }
  return Object.assign(Preloadable, {
    preload: () =>
      fetchOnce().then(
        () => undefined,
        () => undefined, // a failed preload is retried (and reported) when the page renders
      ),
  });
}
