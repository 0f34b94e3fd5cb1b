/** Error bodies of the BigQuery REST fake, in the API's `{error: {code, message, errors}}` shape. */
export type Json = Record<string, unknown>;

export interface Reply {
  status: number;
  body: Json;
}

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

/** An API error reply with HTTP `status` and one `errors[]` entry of `reason`. */
export function apiError(status: number, reason: string, message: string): Reply {
  return {
    status,
    body: {
      error: {
        code: status,
        message,
        errors: [{ message, domain: 'global', reason }],
        status: STATUS_NAMES[status] ?? 'UNKNOWN',
      },
    },
  };
}
