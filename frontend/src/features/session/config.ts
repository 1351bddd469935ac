import { signal } from '@preact/signals';

/** Server settings the screens need (GET /api/v1/client-config), once the server offers them. */
export interface ClientConfig {
  password_min_length: number;
}

export const clientConfig = signal<ClientConfig | null>(null);
