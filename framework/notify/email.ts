/** E-mail over SMTP (nodemailer), from an SMTP URL such as `smtps://user:pass@mail.example.com`. */
import nodemailer, { type Transporter } from 'nodemailer';
import { WharfError, messageOf } from '../diagnostics/errors.js';
import { redactSecrets } from '../diagnostics/redact.js';
import { bodyOf, subjectOf } from './message.js';
import type { NotificationEvent, Notifier } from './types.js';

export class EmailNotifier implements Notifier {
  readonly kind = 'email';
  private readonly transport: Transporter;

  constructor(smtpUrl: string, private readonly from: string, private readonly to: string[]) {
    this.transport = nodemailer.createTransport(smtpUrl);
  }

  async send(event: NotificationEvent): Promise<void> {
    try {
      await this.transport.sendMail({ from: this.from, to: this.to, subject: subjectOf(event), text: bodyOf(event) });
    } catch (err) {
      throw new WharfError(`Sending the e-mail failed: ${redactSecrets(messageOf(err))}`, { code: 'notify.smtp', errorClass: 'connection', transient: true });
    }
  }

  close(): void {
    this.transport.close();
  }
}
