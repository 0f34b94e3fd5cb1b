/** E-mail over SMTP (nodemailer), from an SMTP URL such as `smtps://user:pass@mail.example.com`. */
import type { Transporter } from 'nodemailer';
import { WharfError, messageOf } from '../diagnostics/errors.js';
import { redactSecrets } from '../diagnostics/redact.js';
import { bodyOf, subjectOf } from './message.js';
import type { NotificationEvent, Notifier } from './types.js';
import { importOptional } from '../util/optional-import.js';

export class EmailNotifier implements Notifier {
  readonly kind = 'email';
  private transport: Transporter | undefined;

  constructor(
    private readonly smtpUrl: string,
    private readonly from: string,
    private readonly to: string[],
  ) {}

  /** nodemailer is an optional dependency, loaded on the first message. */
  private async open(): Promise<Transporter> {
    if (!this.transport) {
      const nodemailer = (
        await importOptional('nodemailer', 'The email notification target', () => import('nodemailer'))
      ).default;
      this.transport = nodemailer.createTransport(this.smtpUrl);
    }
    return this.transport;
  }

  async send(event: NotificationEvent): Promise<void> {
    const transport = await this.open();
    try {
      await transport.sendMail({ from: this.from, to: this.to, subject: subjectOf(event), text: bodyOf(event) });
    } catch (err) {
      throw new WharfError(`Sending the e-mail failed: ${redactSecrets(messageOf(err))}`, {
        code: 'notify.smtp',
        errorClass: 'connection',
        transient: true,
      });
    }
  }

  close(): void {
    this.transport?.close();
  }
}
