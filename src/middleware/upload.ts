/**
 * Profile image upload (the seed's upload_update_profile): multer keeps the one `profile_img` file in memory,
 * bounded by config.upload.maxBytes; the bytes themselves decide whether it is a JPEG, PNG or WebP image (the
 * client's file name and claimed type are ignored). Nothing is written to disk here: the service stores the file
 * under a name of its own choosing.
 */
import type { RequestHandler, Response } from 'express';
import { fileTypeFromBuffer } from 'file-type';
import multer from 'multer';
import type { Config } from '../../config/index.js';
import { AppError, ValidationError } from '../errors/app-error.js';

export type ImageExtension = 'jpg' | 'png' | 'webp';

export interface UploadedImage {
  buffer: Buffer;
  extension: ImageExtension;
  mime: string;
}

const ACCEPTED: Readonly<Record<string, ImageExtension>> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' };

export const PROFILE_IMAGE_FIELD = 'profile_img';

/** Client file names are never used, but a hostile one (a path, control characters, absurd length) is refused. */
const SUSPICIOUS_NAME = /[/\\\x00-\x1f\x7f]|\.\./;
const MAX_NAME_LENGTH = 255;

/**
 * multer (memory, one file, no other fields) followed by name and content checks; the accepted image waits in
 * res.locals.upload. `preservePath` keeps the name as sent, so "../" in it is seen and refused, not silently cut.
 */
export function createProfileImageUpload(upload: Config['upload']): RequestHandler {
  const parse = multer({
    storage: multer.memoryStorage(),
    preservePath: true,
    limits: { fileSize: upload.maxBytes, files: 1, fields: 0, parts: 1, fieldNameSize: 100, headerPairs: 20 },
  }).single(PROFILE_IMAGE_FIELD);

  return (req, res, next) => {
    parse(req, res, (error?: unknown) => {
      if (error) return next(toUploadError(error, upload.maxBytes));
      // Inside multer's callback: errors must go to next(), never be thrown.
      Promise.resolve()
        .then(() => {
          checkFileName(req.file?.originalname);
          return detectImage(req.file?.buffer);
        })
        .then((image) => {
          res.locals.upload = image;
          next();
        }, next);
    });
  };
}

/** multer's own errors keep their meaning; anything else from the multipart parser is a malformed request (400). */
function toUploadError(error: unknown, maxBytes: number): unknown {
  if (error instanceof AppError) return error;
  const e = error as { name?: string; code?: string };
  if (e.name === 'MulterError') {
    if (e.code === 'LIMIT_FILE_SIZE') return new AppError('PAYLOAD_TOO_LARGE', `Profile image must be at most ${maxBytes} bytes`);
    return error;
  }
  return new AppError('BAD_REQUEST', 'Malformed multipart body', { cause: error });
}

function checkFileName(name: string | undefined): void {
  if (name === undefined) return;
  if (name.length > MAX_NAME_LENGTH || SUSPICIOUS_NAME.test(name)) {
    throw new ValidationError([{ field: PROFILE_IMAGE_FIELD, message: 'has an invalid file name' }], 'Invalid file name');
  }
}

async function detectImage(buffer: Buffer | undefined): Promise<UploadedImage> {
  if (!buffer) {
    throw new ValidationError(
      [{ field: PROFILE_IMAGE_FIELD, message: 'is required (multipart/form-data file field)' }],
      'profile_img file is required',
    );
  }
  const detected = buffer.length > 0 ? await fileTypeFromBuffer(buffer) : undefined;
  const extension = detected ? ACCEPTED[detected.mime] : undefined;
  if (!detected || !extension) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Profile image must be a JPEG, PNG or WebP image');
  }
  return { buffer, extension, mime: detected.mime };
}

/** The image the upload middleware accepted for this request. */
export function uploadedImageOf(res: Response): UploadedImage {
  const image = res.locals.upload as UploadedImage | undefined;
  if (!image) throw new ValidationError([{ field: PROFILE_IMAGE_FIELD, message: 'is required' }], 'profile_img file is required');
  return image;
}
