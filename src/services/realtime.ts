/** The live channel services publish to (implemented by src/socket/payment-status.socket.ts). */
export interface PaymentStatusUpdate {
  invoice_id: string;
  status: string;
  amount: number;
  paid_at: string | null;
}

export interface PaymentStatusPublisher {
  publish(username: string, update: PaymentStatusUpdate): void;
  /** Closes, on every instance, the sockets opened with the token `jti` at `atMs` (now, or when an /extend grace ends). */
  disconnectToken?(jti: string, atMs: number): void;
  /** Closes, on every instance, the sockets opened with any token of the session (logout). */
  disconnectSession?(sid: string): void;
  /** Closes, on every instance, every socket of the user (password change, reset, deactivation, demotion). */
  disconnectUser?(username: string): void;
}
