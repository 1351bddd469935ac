/// <reference lib="webworker" />
import { clientsClaim } from 'workbox-core';
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Array<{ url: string; revision: string | null }> };

// Prompt-less updates: the new worker takes over at once; the page reloads
// itself at the next in-app navigation (see main.tsx), never mid-form.
self.skipWaiting();
clientsClaim();

// The app shell (hashed /assets/*, index.html, icons, manifest).
precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

// Client routes (/join/<token>, /approvals, ...) open offline from the cached
// shell. API calls are never routed here, so they are never cached.
registerRoute(
  new NavigationRoute(createHandlerBoundToURL('index.html'), {
    denylist: [/^\/api\//],
  }),
);

// Later: 'push' and 'sync' handlers go here.
