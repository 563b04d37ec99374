/** Version of the wire protocol. A server refuses a `session.open` that names another one. */
export const PROTOCOL_VERSION = 1;
