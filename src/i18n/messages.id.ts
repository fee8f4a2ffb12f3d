import type { Catalogue } from './translate.js';

/**
 * Bahasa Indonesia (formal register: "Anda"), keyed by the English text as the code writes it. `{name}` marks a
 * variable part: as a key it is a template matched against finished messages (error-handler) or filled by `t()`.
 * test/i18n/catalogue.test.ts fails when a message in src has no entry here.
 */
export const ID_MESSAGES: Catalogue = {
  // The error-code table and the error classes' defaults
  'Validation failed': 'Validasi gagal',
  'Malformed JSON body': 'Isi JSON tidak valid',
  'Bad request': 'Permintaan tidak valid',
  Unauthorized: 'Tidak diizinkan',
  Forbidden: 'Akses ditolak',
  'Not found': 'Tidak ditemukan',
  'Route not found': 'Rute tidak ditemukan',
  Conflict: 'Terjadi konflik',
  'Request body too large': 'Isi permintaan terlalu besar',
  'Unsupported media type': 'Jenis media tidak didukung',
  'Unprocessable entity': 'Permintaan tidak dapat diproses',
  'Too many requests': 'Terlalu banyak permintaan',
  'Too many requests, try again later': 'Terlalu banyak permintaan, silakan coba lagi nanti',
  'Internal server error': 'Terjadi kesalahan pada server',
  'Upstream service failed': 'Layanan hulu gagal',
  'Service unavailable': 'Layanan tidak tersedia',

  // Default messages of domain codes whose thrown message usually carries data (a limit, a date, the next steps)
  'Voucher is not valid yet': 'Voucher belum berlaku',
  'Voucher has expired': 'Voucher sudah kedaluwarsa',
  'No API key for this holder': 'Tidak ada kunci API untuk holder ini',
  'This holder already has a key; revoke it first': 'Holder ini sudah memiliki kunci; cabut kunci tersebut terlebih dahulu',
  'Address limit reached': 'Batas alamat tercapai',
  'Bank account limit reached': 'Batas rekening bank tercapai',
  'The account cannot be deleted while the wallet holds money, points or a pending payout':
    'Akun tidak dapat dihapus selama dompet masih berisi uang, poin, atau penarikan dana yang tertunda',
  'Checkout limit reached; try again later': 'Batas pembayaran tercapai; silakan coba lagi nanti',

  // HTTP shell, validation and uploads
  'Service temporarily unavailable, please retry shortly': 'Layanan sementara tidak tersedia, silakan coba lagi sebentar lagi',
  'Unsupported body encoding': 'Pengodean isi permintaan tidak didukung',
  'File too large': 'Berkas terlalu besar',
  'Invalid upload': 'Unggahan tidak valid',
  invalid: 'tidak valid',
  'Route {method} {path} not found': 'Rute {method} {path} tidak ditemukan',
  'is invalid': 'tidak valid',
  'is not allowed': 'tidak diizinkan',
  'must not contain NUL characters': 'tidak boleh mengandung karakter NUL',
  'must not be nested deeper than {levels} levels': 'tidak boleh bersarang lebih dari {levels} tingkat',
  'must be an object': 'harus berupa objek',
  'must be one of: {values}': 'harus salah satu dari: {values}',
  'Content-Type must be application/json or {type}': 'Content-Type harus application/json atau {type}',
  'Content-Type must be {type}': 'Content-Type harus {type}',
  'Profile image must be at most {bytes} bytes': 'Foto profil berukuran paling besar {bytes} byte',
  'Malformed multipart body': 'Isi multipart tidak valid',
  'has an invalid file name': 'memiliki nama berkas yang tidak valid',
  'Invalid file name': 'Nama berkas tidak valid',
  'is required (multipart/form-data file field)': 'wajib diisi (kolom berkas multipart/form-data)',
  'profile_img file is required': 'Berkas profile_img wajib diunggah',
  'Profile image must be a JPEG, PNG or WebP image': 'Foto profil harus berupa gambar JPEG, PNG, atau WebP',

  // Third parties
  'Push notifications are not configured': 'Notifikasi push belum dikonfigurasi',
  'Push notifications could not be sent, please try again': 'Notifikasi push tidak dapat dikirim, silakan coba lagi',
  'Email could not be sent, please try again': 'Email tidak dapat dikirim, silakan coba lagi',
  'Invalid phone number': 'Nomor telepon tidak valid',
  'SMS gateway is unavailable, please try again': 'Layanan SMS tidak tersedia, silakan coba lagi',
  'The SMS could not be sent to this number, please check it or try again later': 'SMS tidak dapat dikirim ke nomor ini, silakan periksa nomornya atau coba lagi nanti',
  'Xendit {operation} failed: {what}{detail}': 'Xendit {operation} gagal: {what}{detail}',

  // Limits
  'Rate limit store is unavailable, please retry shortly': 'Penyimpanan batas permintaan tidak tersedia, silakan coba lagi sebentar lagi',
  'Too many failed login attempts, try again later': 'Terlalu banyak percobaan masuk yang gagal, silakan coba lagi nanti',
  'Please wait before requesting another code or link': 'Harap tunggu sebelum meminta kode atau tautan lain',
  'Too many codes or links requested from this network, try again later': 'Terlalu banyak kode atau tautan yang diminta dari jaringan ini, silakan coba lagi nanti',
  'Too many codes sent to numbers like this one, try again later': 'Terlalu banyak kode yang dikirim ke nomor seperti ini, silakan coba lagi nanti',
  'Too many failed API key attempts from this network, try again later': 'Terlalu banyak percobaan kunci API yang gagal dari jaringan ini, silakan coba lagi nanti',
  'Too many password reset requests, try again later': 'Terlalu banyak permintaan pengaturan ulang kata sandi, silakan coba lagi nanti',
  'Too many data exports today, try again later': 'Terlalu banyak ekspor data hari ini, silakan coba lagi nanti',
  'Too many email checks from this network, try again later': 'Terlalu banyak pemeriksaan email dari jaringan ini, silakan coba lagi nanti',
  'Daily limit of codes or links for this address reached, try again tomorrow': 'Batas harian kode atau tautan untuk alamat ini telah tercapai, silakan coba lagi besok',
  'Checkout limit reached: you can create at most {count} invoices per hour; try again later':
    'Batas pembayaran tercapai: Anda dapat membuat paling banyak {count} tagihan per jam; silakan coba lagi nanti',
  'Checkout limit reached: this user can create at most {count} invoices per hour; try again later':
    'Batas pembayaran tercapai: pengguna ini dapat membuat paling banyak {count} tagihan per jam; silakan coba lagi nanti',
  'Checkout limit store is unavailable, please retry shortly': 'Penyimpanan batas pembayaran tidak tersedia, silakan coba lagi sebentar lagi',

  // Authentication and tokens
  'Session store is unavailable, please retry shortly': 'Penyimpanan sesi tidak tersedia, silakan coba lagi sebentar lagi',
  'holder must be 1-64 letters, digits, dot, dash or underscore': 'holder harus terdiri dari 1-64 huruf, angka, titik, tanda hubung, atau garis bawah',
  'holder "{holder}" already has a key; revoke it first': 'holder "{holder}" sudah memiliki kunci; cabut kunci tersebut terlebih dahulu',
  'no API key for holder "{holder}"': 'tidak ada kunci API untuk holder "{holder}"',
  'Invalid token': 'Token tidak valid',
  'Token has been revoked': 'Token telah dicabut',
  'Account is Disabled': 'Akun dinonaktifkan',
  'Session has expired, please sign in again': 'Sesi telah berakhir, silakan masuk kembali',
  'username and password are required': 'username dan kata sandi wajib diisi',
  'Invalid or missing registration token': 'Token pendaftaran tidak valid atau tidak ada',
  'Invalid or missing token': 'Token tidak valid atau tidak ada',
  'Invalid API credentials': 'Kredensial API tidak valid',
  'Authenticator not configured': 'Autentikator belum dikonfigurasi',
  'Missing callback token': 'Token callback tidak ada',
  'Invalid callback token': 'Token callback tidak valid',
  'Session not found': 'Sesi tidak ditemukan',
  'Invalid Credential': 'Kredensial tidak valid',
  'OTP Not Confirmed': 'OTP belum dikonfirmasi',
  'Account is Not Confirmed': 'Akun belum dikonfirmasi',
  'Account is scheduled for deletion': 'Akun dijadwalkan untuk dihapus',

  // Passwords
  'Password must be at least {bytes} bytes long': 'Kata sandi harus sepanjang paling sedikit {bytes} byte',
  'Password must be at most {bytes} bytes long (UTF-8; accented letters and emoji count as 2-4 bytes)':
    'Kata sandi harus sepanjang paling banyak {bytes} byte (UTF-8; huruf beraksen dan emoji dihitung 2-4 byte)',
  'Password must not be the same as the username': 'Kata sandi tidak boleh sama dengan username',
  'Password must not be the same as the email': 'Kata sandi tidak boleh sama dengan email',
  'Reset link is invalid or has expired': 'Tautan pengaturan ulang tidak valid atau sudah kedaluwarsa',
  'Account does not exist': 'Akun tidak ada',
  'New password must differ from the old password': 'Kata sandi baru harus berbeda dari kata sandi lama',
  'Reset token is required': 'Token pengaturan ulang wajib diisi',
  'is required (body or ?token=)': 'wajib diisi (di isi permintaan atau ?token=)',

  // Sign-up and email
  'User not found': 'Pengguna tidak ditemukan',
  'User Not Found': 'Pengguna tidak ditemukan',
  'This email is already confirmed on your account': 'Email ini sudah dikonfirmasi pada akun Anda',
  'Email is already registered': 'Email sudah terdaftar',
  'Confirmation link is invalid or has expired': 'Tautan konfirmasi tidak valid atau sudah kedaluwarsa',
  'Confirmation token is required': 'Token konfirmasi wajib diisi',
  'Username is already taken': 'Username sudah digunakan',
  'Registration token is invalid or has expired': 'Token pendaftaran tidak valid atau sudah kedaluwarsa',
  'Account is already verified, please log in': 'Akun sudah diverifikasi, silakan masuk',
  PhoneRequired: 'Nomor telepon wajib diisi',
  'is required for OTP sign-up': 'wajib diisi untuk pendaftaran dengan OTP',
  PhoneFormatErr: 'Format nomor telepon salah',
  'must be an Indonesian number, e.g. 628123456789': 'harus berupa nomor Indonesia, misalnya 628123456789',
  'referral code not found': 'kode referal tidak ditemukan',
  'does not exist': 'tidak ada',
  'is required': 'wajib diisi',
  'OTP is required': 'OTP wajib diisi',
  'Too many wrong codes: this code no longer works, request a new one': 'Terlalu banyak kode yang salah: kode ini tidak berlaku lagi, silakan minta kode baru',
  'Invalid OTP': 'OTP tidak valid',
  'is wrong ({count} attempt(s) left)': 'salah (sisa {count} percobaan)',
  'This sign-up is already being verified': 'Pendaftaran ini sedang diverifikasi',

  // Idempotency
  'must be 1-255 letters, digits or . _ : -': 'harus terdiri dari 1-255 huruf, angka, atau . _ : -',
  'A request with this Idempotency-Key is still in progress; retry shortly': 'Permintaan dengan Idempotency-Key ini masih diproses; silakan coba lagi sebentar lagi',
  'Idempotency-Key was already used with a different request': 'Idempotency-Key sudah digunakan untuk permintaan yang berbeda',

  // Profile, addresses, offers, vouchers, devices, FAQ
  'Address not found': 'Alamat tidak ditemukan',
  'Address limit reached: at most {max} addresses per user; delete one first': 'Batas alamat tercapai: paling banyak {max} alamat per pengguna; hapus salah satu terlebih dahulu',
  'must be a date or a date-time': 'harus berupa tanggal atau tanggal-waktu',
  'must be in the future': 'harus di masa mendatang',
  'valid_until must be in the future': 'valid_until harus di masa mendatang',
  'Voucher not found': 'Voucher tidak ditemukan',
  'Voucher is not valid yet (valid from {date})': 'Voucher belum berlaku (berlaku mulai {date})',
  'Voucher has expired (valid until {date})': 'Voucher sudah kedaluwarsa (berlaku sampai {date})',
  'Voucher already redeemed': 'Voucher sudah ditukarkan',
  'Voucher quota exhausted': 'Kuota voucher sudah habis',
  'Token not found': 'Token tidak ditemukan',
  'FAQ not found': 'FAQ tidak ditemukan',

  // Wallet, points, payments, payouts, bank accounts
  'Insufficient points': 'Poin tidak mencukupi',
  'Insufficient Balance': 'Saldo tidak mencukupi',
  'must be a positive number with at most 2 decimals': 'harus berupa angka positif dengan paling banyak 2 desimal',
  'must be greater than 0': 'harus lebih besar dari 0',
  'must be at least {min}': 'paling sedikit {min}',
  'must be at most {max}': 'paling banyak {max}',
  'Balance Not Found': 'Saldo tidak ditemukan',
  'Invoice Not Found': 'Tagihan tidak ditemukan',
  'Invoice Already Paid': 'Tagihan sudah dibayar',
  'is only allowed with payment_method EWALLET': 'hanya diizinkan dengan payment_method EWALLET',
  'is not an available e-wallet': 'bukan dompet elektronik yang tersedia',
  'is not an available payment method': 'bukan metode pembayaran yang tersedia',
  'The payment gateway could not create the invoice. Nothing was charged; please try again.':
    'Gerbang pembayaran tidak dapat membuat tagihan. Tidak ada dana yang ditagih; silakan coba lagi.',
  'The invoice is still being created; try again in a moment': 'Tagihan masih dibuat; silakan coba lagi sebentar lagi',
  'The payment gateway did not cancel the invoice; please try again.': 'Gerbang pembayaran tidak membatalkan tagihan; silakan coba lagi.',
  'is not a supported disbursement bank (see POST /bank/list)': 'bukan bank pencairan yang didukung (lihat POST /bank/list)',
  'must not be blank': 'tidak boleh kosong',
  'At most {max} bank accounts per user': 'Paling banyak {max} rekening bank per pengguna',
  'Bank account is already registered': 'Rekening bank sudah terdaftar',
  'Bank Account Not Found': 'Rekening bank tidak ditemukan',
  'This bank account has a payout in progress; try again when it has finished': 'Rekening bank ini memiliki penarikan dana yang sedang diproses; silakan coba lagi setelah selesai',
  'the bank of this account no longer accepts payouts': 'bank dari rekening ini tidak lagi menerima penarikan dana',
  'The payout was refused by the payment gateway ({reason}); the amount is back in your balance.':
    'Penarikan dana ditolak oleh gerbang pembayaran ({reason}); jumlahnya telah dikembalikan ke saldo Anda.',
  'Payout Not Found': 'Penarikan dana tidak ditemukan',
  'sync already running': 'sinkronisasi sedang berjalan',

  // Account deletion
  'The account cannot be deleted while the wallet holds money, points or a pending payout: first {steps}':
    'Akun tidak dapat dihapus selama dompet masih berisi uang, poin, atau penarikan dana yang tertunda: terlebih dahulu {steps}',
  '{step}, then {rest}': '{step}, lalu {rest}',
  'withdraw the balance of {amount} (POST /payout)': 'tarik saldo sebesar {amount} (POST /payout)',
  'redeem the {points} points (POST /points/redeem)': 'tukarkan {points} poin (POST /points/redeem)',
  'wait until the pending payout completes': 'tunggu hingga penarikan dana yang tertunda selesai',
  'The account is already disabled': 'Akun sudah dinonaktifkan',
  'Cancel token is invalid, or the account can no longer be restored': 'Token pembatalan tidak valid, atau akun tidak dapat dipulihkan lagi',

  // Success answers
  'User is now an agent': 'Pengguna kini menjadi agen',
  'User is no longer an agent': 'Pengguna tidak lagi menjadi agen',
  'User was already an agent': 'Pengguna sudah menjadi agen',
  'User was already not an agent': 'Pengguna memang bukan agen',
  'Sign-up received: enter the code we sent by SMS': 'Pendaftaran diterima: masukkan kode yang kami kirim melalui SMS',
  'Sign-up received: open the link we sent to your email to confirm your account':
    'Pendaftaran diterima: buka tautan yang kami kirim ke email Anda untuk mengonfirmasi akun Anda',
  'Email is available': 'Email tersedia',
  'Your account is confirmed. You can now log in.': 'Akun Anda telah dikonfirmasi. Sekarang Anda dapat masuk.',
  'A new code has been sent by SMS': 'Kode baru telah dikirim melalui SMS',
  'A new confirmation link has been sent to your email': 'Tautan konfirmasi baru telah dikirim ke email Anda',
  'If this email is registered, a link to reset the password has been sent to it':
    'Jika email ini terdaftar, tautan untuk mengatur ulang kata sandi telah dikirim ke email tersebut',
  'Your password has been changed. Log in with the new password.': 'Kata sandi Anda telah diubah. Silakan masuk dengan kata sandi baru.',
  'Password updated; every other session has been signed out': 'Kata sandi diperbarui; semua sesi lain telah dikeluarkan',
  'Logged out': 'Berhasil keluar',
  'Account deactivated': 'Akun dinonaktifkan',
  'Profile updated': 'Profil diperbarui',
  'Profile image updated': 'Foto profil diperbarui',
  'Address created': 'Alamat dibuat',
  'Address updated': 'Alamat diperbarui',
  'Address deleted': 'Alamat dihapus',
  'Default address set': 'Alamat utama ditetapkan',
  'Points redeemed': 'Poin ditukarkan',
  'Marketing offer created': 'Penawaran pemasaran dibuat',
  'Voucher redeemed': 'Voucher ditukarkan',
  'Device token registered': 'Token perangkat didaftarkan',
  'Device token removed': 'Token perangkat dihapus',
  'User has no registered devices': 'Pengguna tidak memiliki perangkat terdaftar',
  'Notification sent': 'Notifikasi terkirim',
  'FAQ created': 'FAQ dibuat',
  'FAQ updated': 'FAQ diperbarui',
  'FAQ deleted': 'FAQ dihapus',
  'Session revoked': 'Sesi dicabut',
  'Every other session has been signed out': 'Semua sesi lain telah dikeluarkan',
  'Your email is confirmed.': 'Email Anda telah dikonfirmasi.',
  'A confirmation link has been sent to the new address; it becomes your email once confirmed':
    'Tautan konfirmasi telah dikirim ke alamat baru; alamat tersebut menjadi email Anda setelah dikonfirmasi',
  'Account scheduled for deletion; it is disabled now and can be restored until the scheduled date':
    'Akun dijadwalkan untuk dihapus; akun kini dinonaktifkan dan dapat dipulihkan hingga tanggal yang dijadwalkan',
  'Account deletion cancelled; you can log in again': 'Penghapusan akun dibatalkan; Anda dapat masuk kembali',

  // Mails
  'Hello {name},': 'Halo {name},',
  'Confirm your UserState account': 'Konfirmasi akun UserState Anda',
  'Thank you for signing up for UserState. Open this link within {hours} hour(s) and press "Confirm my account":':
    'Terima kasih telah mendaftar di UserState. Buka tautan ini dalam {hours} jam dan tekan "Konfirmasi akun saya":',
  'Confirm my account': 'Konfirmasi akun saya',
  'If you did not sign up, ignore this email and no account will be created.': 'Jika Anda tidak mendaftar, abaikan email ini dan tidak ada akun yang akan dibuat.',
  'Reset your UserState password': 'Atur ulang kata sandi UserState Anda',
  'Someone (hopefully you) asked to reset the password of your UserState account. Open this link within {minutes} minutes to choose a new password:':
    'Seseorang (semoga Anda sendiri) meminta pengaturan ulang kata sandi akun UserState Anda. Buka tautan ini dalam {minutes} menit untuk memilih kata sandi baru:',
  'Reset my password': 'Atur ulang kata sandi saya',
  'The link works once. If you did not ask for this, ignore this email: your password stays the same.':
    'Tautan ini hanya berlaku sekali. Jika Anda tidak memintanya, abaikan email ini: kata sandi Anda tidak berubah.',
  'Confirm your email for UserState': 'Konfirmasi email Anda untuk UserState',
  'This address was given for the UserState account "{username}". Open this link within {hours} hour(s) and press "Confirm my email":':
    'Alamat ini diberikan untuk akun UserState "{username}". Buka tautan ini dalam {hours} jam dan tekan "Konfirmasi email saya":',
  'Confirm my email': 'Konfirmasi email saya',
  'If this was not you, ignore this email: the address stays unconfirmed and is not bound to that account.':
    'Jika ini bukan Anda, abaikan email ini: alamat ini tetap belum dikonfirmasi dan tidak terikat pada akun tersebut.',
  'Your UserState account will be deleted': 'Akun UserState Anda akan dihapus',
  'Your UserState account has been disabled and will be deleted on {date}.': 'Akun UserState Anda telah dinonaktifkan dan akan dihapus pada {date}.',
  'Changed your mind? Until then, sign in to the app with your password and choose to keep the account, or send this cancel code from the app (POST /user/delete/cancel): {code}':
    'Berubah pikiran? Sebelum tanggal tersebut, masuk ke aplikasi dengan kata sandi Anda dan pilih untuk mempertahankan akun, atau kirim kode pembatalan ini dari aplikasi (POST /user/delete/cancel): {code}',
  'After that date your profile, addresses, bank accounts, devices and profile image are erased. Your payment and wallet records are kept without your name for {years} years, as the law on financial records requires.':
    'Setelah tanggal tersebut, profil, alamat, rekening bank, perangkat, dan foto profil Anda dihapus. Catatan pembayaran dan dompet Anda disimpan tanpa nama Anda selama {years} tahun, sebagaimana diwajibkan oleh peraturan tentang catatan keuangan.',
  'If you did not ask for this, sign in and cancel the deletion, then change your password.':
    'Jika Anda tidak memintanya, masuk dan batalkan penghapusan, lalu ubah kata sandi Anda.',

  // SMS
  'Your UserState verification code is {otp}. It is valid for {minutes} minutes. Never share this code with anyone.':
    'Kode verifikasi UserState Anda adalah {otp}. Kode ini berlaku selama {minutes} menit. Jangan pernah membagikan kode ini kepada siapa pun.',

  // Push notifications
  'Payout update': 'Pembaruan penarikan dana',
  'Your payout of {amount} was sent.': 'Penarikan dana Anda sebesar {amount} telah dikirim.',
  'Your payout of {amount} did not go through; the amount is back in your balance.':
    'Penarikan dana Anda sebesar {amount} tidak berhasil; jumlahnya telah dikembalikan ke saldo Anda.',
  'Top-up received': 'Isi ulang diterima',
  'Payment received': 'Pembayaran diterima',
  'Top-up of {amount} was paid.': 'Isi ulang sebesar {amount} telah dibayar.',
  'Payment of {amount} was paid.': 'Pembayaran sebesar {amount} telah dibayar.',
  'Invoice expired': 'Tagihan kedaluwarsa',
  'Your invoice of {amount} expired unpaid.': 'Tagihan Anda sebesar {amount} kedaluwarsa tanpa dibayar.',

  // Pages of mailed links
  'Link expired': 'Tautan kedaluwarsa',
  'This confirmation link is invalid, already used or has expired. Sign up again or request a new link from the app.':
    'Tautan konfirmasi ini tidak valid, sudah digunakan, atau sudah kedaluwarsa. Daftar lagi atau minta tautan baru dari aplikasi.',
  'This confirmation link is invalid, already used or has expired. Request a new one from the app.':
    'Tautan konfirmasi ini tidak valid, sudah digunakan, atau sudah kedaluwarsa. Minta tautan baru dari aplikasi.',
  'This reset link is invalid, already used or has expired. Request a new one from the app.':
    'Tautan pengaturan ulang ini tidak valid, sudah digunakan, atau sudah kedaluwarsa. Minta tautan baru dari aplikasi.',
  'Confirm your account': 'Konfirmasi akun Anda',
  'Press the button to confirm your UserState account.': 'Tekan tombol untuk mengonfirmasi akun UserState Anda.',
  'Account confirmed': 'Akun dikonfirmasi',
  'Choose a new password': 'Pilih kata sandi baru',
  'New password (8 to 72 bytes)': 'Kata sandi baru (8 hingga 72 byte)',
  'Save the new password': 'Simpan kata sandi baru',
  'Password changed': 'Kata sandi diubah',
  'Confirm your email': 'Konfirmasi email Anda',
  'Press the button to confirm this email address for your UserState account.': 'Tekan tombol untuk mengonfirmasi alamat email ini untuk akun UserState Anda.',
  'Email confirmed': 'Email dikonfirmasi',

  // Money cooling-off, email and phone change
  'Payouts and new bank accounts are paused after a recent security change': 'Penarikan dana dan penambahan rekening bank baru ditangguhkan setelah perubahan keamanan baru-baru ini',
  'Payouts and new bank accounts are paused until {until} after {what} on this account':
    'Penarikan dana dan penambahan rekening bank baru ditangguhkan hingga {until} setelah {what} pada akun ini',
  'a password reset': 'pengaturan ulang kata sandi',
  'an email change': 'perubahan email',
  'a phone change': 'perubahan nomor telepon',
  'a security change': 'perubahan keamanan',
  'is required to change a confirmed email: send {new_email, password}': 'wajib diisi untuk mengubah email yang telah dikonfirmasi: kirim {new_email, password}',
  'Changing a confirmed email needs your password: send {new_email, password}': 'Mengubah email yang telah dikonfirmasi memerlukan kata sandi Anda: kirim {new_email, password}',
  'This link no longer works: the change was already confirmed, cancelled or has expired': 'Tautan ini tidak berlaku lagi: perubahan telah dikonfirmasi, dibatalkan, atau kedaluwarsa',
  'This phone number is already on your account': 'Nomor telepon ini sudah terdaftar pada akun Anda',
  'Phone number is already registered': 'Nomor telepon sudah terdaftar',
  'No phone change is waiting for a code: request one with POST /user/phone': 'Tidak ada perubahan nomor telepon yang menunggu kode: ajukan melalui POST /user/phone',
  'is required with password': 'wajib diisi bersama password',
  'is required with new_email': 'wajib diisi bersama new_email',
  'must not be sent with new_email (use one shape)': 'tidak boleh dikirim bersama new_email (gunakan salah satu bentuk)',
  'Send {new_email, password}': 'Kirim {new_email, password}',
  'A confirmation link has been sent to the new address and a notice to the current one; the email changes once the link is confirmed':
    'Tautan konfirmasi telah dikirim ke alamat baru dan pemberitahuan ke alamat saat ini; email akan berubah setelah tautan dikonfirmasi',
  'Cancel the email change': 'Batalkan perubahan email',
  'Cancel token is required': 'Token pembatalan wajib diisi',
  'Change cancelled': 'Perubahan dibatalkan',
  'The email change is cancelled; your account keeps this address. If you did not ask for it, reset your password now.':
    'Perubahan email dibatalkan; akun Anda tetap menggunakan alamat ini. Jika Anda tidak memintanya, segera atur ulang kata sandi Anda.',
  'A code has been sent by SMS to the new number; it becomes your phone number once verified': 'Kode telah dikirim melalui SMS ke nomor baru; nomor tersebut menjadi nomor telepon Anda setelah diverifikasi',
  'Your phone number has been changed': 'Nomor telepon Anda telah diubah',

  // Security notices (mailed and pushed in the account's language)
  'New sign-in to your UserState account': 'Masuk baru ke akun UserState Anda',
  'Your account was signed in from a device it had not used before': 'Akun Anda digunakan untuk masuk dari perangkat yang belum pernah dipakai sebelumnya',
  'Your UserState password was changed': 'Kata sandi UserState Anda telah diubah',
  'The password of your account was changed': 'Kata sandi akun Anda telah diubah',
  'Your UserState password was reset': 'Kata sandi UserState Anda telah diatur ulang',
  'The password of your account was reset with a mailed link': 'Kata sandi akun Anda telah diatur ulang melalui tautan yang dikirim lewat email',
  'The email of your UserState account was changed': 'Email akun UserState Anda telah diubah',
  'The email address of your account was changed': 'Alamat email akun Anda telah diubah',
  'The phone number of your UserState account was changed': 'Nomor telepon akun UserState Anda telah diubah',
  'The phone number of your account was changed': 'Nomor telepon akun Anda telah diubah',
  'device: {device}': 'perangkat: {device}',
  'address: {ip}': 'alamat: {ip}',
  '{what}{where} on {when}.': '{what}{where} pada {when}.',
  'If this was you, there is nothing to do.': 'Jika ini Anda, tidak ada yang perlu dilakukan.',
  'If this was not you, reset your password now ("Forgot password" in the app), then sign out every other session (Sessions in the app, or POST /sessions/revoke-others).':
    'Jika ini bukan Anda, segera atur ulang kata sandi Anda ("Lupa kata sandi" di aplikasi), lalu keluarkan semua sesi lainnya (Sesi di aplikasi, atau POST /sessions/revoke-others).',
};
